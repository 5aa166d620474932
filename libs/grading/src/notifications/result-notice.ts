import { judgedAccuracy } from '../lifecycle/decide';
import { z } from 'zod';
import type { EpochPrismaClient, TDb } from '@epoch/db';
import { enqueueOutbox, outboxHandler, type TOutboxHandler } from '../outbox/outbox';
import { resultHidden, scheduleOf } from '../lifecycle/schedule';

/** An e-mail to send (the shape of @epoch/accounts' mailer, which the API passes in). */
export interface TMailSender {
  send: (mail: { to: string; subject: string; text: string; messageId?: string }) => Promise<void>;
}

/** The outbox kind of the "your result is ready" e-mail. */
export const RESULT_EMAIL = 'result-email';
/** The final statuses a student is told about. */
export const NOTIFIED_STATUSES = ['PASSED', 'FAILED', 'REJECTED', 'ERROR'] as const;

export const ZResultEmailPayload = z.object({
  submissionId: z.string().min(1),
  attempt: z.number().int().min(0),
  status: z.enum(NOTIFIED_STATUSES),
});
export type TResultEmailPayload = z.infer<typeof ZResultEmailPayload>;

/**
 * Called by the lifecycle inside the transaction that ended a submission (or re-decided it): writes the result e-mail
 * into the outbox when its owner opted in. One message per attempt and status (a re-decision to the other verdict is a
 * new message; the same ending written twice is one).
 */
export async function noteResult(tx: TDb, submissionId: string): Promise<void> {
  const s = await tx.submission.findUnique({
    where: { id: submissionId },
    select: {
      status: true,
      kind: true,
      attemptCount: true,
      result: { select: { pendingSeed: true } },
      user: { select: { notificationPreferences: { select: { emailOnResult: true } } } },
    },
  });
  // Practice and calibration runs grade nothing: only graded runs are announced; a result waiting for best-of-k's next
  // seed may still pass, so it is announced when its series ends (finishExtraSeed).
  if (!s || s.kind !== 'GRADED' || !s.user.notificationPreferences?.emailOnResult || (s.result?.pendingSeed ?? null) !== null) return;
  const status = ZResultEmailPayload.shape.status.safeParse(s.status);
  if (!status.success) return;
  const payload: TResultEmailPayload = { submissionId, attempt: s.attemptCount, status: status.data };
  await enqueueOutbox(tx, { kind: RESULT_EMAIL, key: `${RESULT_EMAIL}:${submissionId}:${s.attemptCount}:${status.data}`, payload });
}

const WHAT: Record<TResultEmailPayload['status'], string> = {
  PASSED: 'passed',
  FAILED: 'did not pass',
  REJECTED: 'was rejected (a problem with the model, see the page)',
  ERROR: 'could not be graded because of a problem on Epoch’s side (not your fault; it does not count against your quota)',
};

/** A stable Message-ID for an outbox message, so a repeated delivery is recognisable as the same mail. */
export function outboxMessageId(key: string, domainOf: string): string {
  let host = 'epoch.invalid';
  try {
    host = new URL(domainOf).hostname || host;
  } catch {
    /* keep the default */
  }
  return `<${key.replace(/[^\w.-]/g, '.')}@${host}>`;
}

/**
 * Delivers RESULT_EMAIL messages: the submission's owner is mailed its verdict (or only that it was graded, while the
 * exercise hides results until the deadline) with a link to the result. Skipped, with why, when no SMTP server is
 * configured, the owner opted out meanwhile, or a later re-decision superseded this status.
 */
export function resultEmailHandler(deps: { prisma: EpochPrismaClient; mailer: TMailSender | null; publicUrl: string }): TOutboxHandler<never> {
  return outboxHandler({
    payload: ZResultEmailPayload,
    deliver: async (p: TResultEmailPayload, ctx) => {
      if (!deps.mailer) return { skipped: 'no SMTP server is configured (EPOCH_SMTP_URL)' };
      const s = await deps.prisma.submission.findUnique({
        where: { id: p.submissionId },
        select: {
          status: true,
          errorMessage: true,
          user: { select: { email: true, name: true, notificationPreferences: { select: { emailOnResult: true } } } },
          exercise: {
            select: { title: true, course: { select: { title: true } }, policy: { select: { deadline: true, latePolicy: true, resultVisibility: true } } },
          },
          result: { select: { testAccuracy: true, seedRuns: true, heldOut: true } },
        },
      });
      if (!s) return { skipped: 'the submission no longer exists' };
      if (!s.user.notificationPreferences?.emailOnResult) return { skipped: 'the student turned result e-mails off' };
      if (s.status !== p.status) return { skipped: `superseded: the submission is ${s.status} now` };
      const hidden = resultHidden(s.exercise.policy ? scheduleOf(s.exercise.policy) : null, 'OWNER');
      const graded = p.status === 'PASSED' || p.status === 'FAILED';
      const verdict = hidden && graded ? 'has been graded (results are shown after the deadline)' : WHAT[p.status];
      const url = `${deps.publicUrl.replace(/\/$/, '')}/submissions/${p.submissionId}`;
      const lines = [
        `Hello ${s.user.name},`,
        '',
        `your submission for "${s.exercise.title}" (${s.exercise.course.title}) ${verdict}.`,
        ...(graded && !hidden && s.result ? [`Test accuracy: ${(judgedAccuracy(s.result) * 100).toFixed(1)}%`] : []),
        ...(!graded && s.errorMessage ? ['', s.errorMessage] : []),
        '',
        `See it at ${url}`,
        '',
        'You get this e-mail because you asked for one when a result is ready; turn it off on your notification preferences page.',
      ];
      await deps.mailer.send({
        to: s.user.email,
        subject: `Epoch: your "${s.exercise.title}" submission ${hidden && graded ? 'has been graded' : p.status === 'PASSED' ? 'passed' : p.status === 'FAILED' ? 'did not pass' : p.status === 'REJECTED' ? 'was rejected' : 'could not be graded'}`,
        text: lines.join('\n'),
        messageId: outboxMessageId(ctx.key, deps.publicUrl),
      });
      return { sent: true };
    },
  });
}
