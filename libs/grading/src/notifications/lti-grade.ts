import { judgedAccuracy } from '../lifecycle/decide';
import { z } from 'zod';
import type { TCountedResult } from '@epoch/contracts';
import type { TDb } from '@epoch/db';
import { enqueueOutbox } from '../outbox/outbox';
import { countedResult } from '../use-cases/counted-result';

/** The outbox kind of an LMS grade passback (LTI Assignment and Grade Services). */
export const LTI_GRADE = 'lti-grade';

export const ZLtiGradePayload = z.object({
  /** The LMS link (LtiResourceLink id) whose line item gets the grade, and the student. */
  linkId: z.string().min(1),
  userId: z.string().min(1),
  /** The submission whose ending caused the message (the grade itself is counted again when it is sent). */
  submissionId: z.string().min(1),
});
export type TLtiGradePayload = z.infer<typeof ZLtiGradePayload>;

/**
 * Called by the lifecycle inside the transaction that ended a submission or re-decided it (with noteResult): one
 * LTI_GRADE message per LMS link of the exercise the student launched from. The key names the submission's new state,
 * so the same ending written twice is one message and a change (re-decision, new credit) is a new one; the handler
 * posts the counted grade as it is when it sends (AGS scores replace each other, so a repeated post is harmless).
 */
export async function noteLtiGrade(tx: TDb, submissionId: string): Promise<void> {
  const s = await tx.submission.findUnique({
    where: { id: submissionId },
    select: { userId: true, exerciseId: true, kind: true, status: true, credit: true, attemptCount: true },
  });
  // Only graded runs change a counted grade (countedResultOf ignores the others).
  if (!s || s.kind !== 'GRADED') return;
  const links = await tx.ltiResourceLink.findMany({
    where: { exerciseId: s.exerciseId, platform: { users: { some: { userId: s.userId } } } },
    select: { id: true },
  });
  for (const l of links)
    await enqueueOutbox(tx, {
      kind: LTI_GRADE,
      key: `${LTI_GRADE}:${l.id}:${submissionId}:${s.attemptCount}:${s.status}:${s.credit ?? ''}`,
      payload: { linkId: l.id, userId: s.userId, submissionId } satisfies TLtiGradePayload,
    });
}

/** A student's counted result at an exercise now (the exercise's rule over their graded attempts), or null. */
export async function countedResultOf(db: TDb, exerciseId: string, userId: string): Promise<TCountedResult | null> {
  const policy = await db.gradingPolicy.findUnique({ where: { exerciseId }, select: { countedResult: true } });
  const subs = await db.submission.findMany({
    where: { exerciseId, userId, kind: 'GRADED', status: { in: ['PASSED', 'FAILED'] } },
    select: { id: true, status: true, createdAt: true, late: true, credit: true, result: { select: { testAccuracy: true, seedRuns: true, heldOut: true } } },
  });
  return countedResult(
    subs.map((s) => ({
      id: s.id,
      status: s.status,
      createdAt: s.createdAt,
      late: s.late,
      credit: s.credit,
      testAccuracy: s.result ? judgedAccuracy(s.result) : null,
    })),
    policy?.countedResult ?? 'BEST',
  );
}
