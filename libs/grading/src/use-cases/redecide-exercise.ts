import { policyFromRow, type EpochPrismaClient } from '@epoch/db';
import { redecide } from '../lifecycle/lifecycle';
import { scheduleOf } from '../lifecycle/schedule';
import { writeAudit } from '@epoch/db';

export interface TRedecideReport {
  exerciseId: string;
  minTestAccuracy: number;
  policyVersion: number;
  /** Submission ids whose status changed. */
  toPassed: string[];
  toFailed: string[];
}

/**
 * Regrading without retraining, for a whole exercise: every graded submission gets decide()'s verdict under the
 * exercise's current policy, in one transaction with an audit entry (`submission.redecide`, actor `actorId`; null
 * for the system). Submissions without a result are untouched.
 */
export async function redecideExercise(prisma: EpochPrismaClient, exerciseId: string, actorId: string | null): Promise<TRedecideReport> {
  return prisma.$transaction(async (tx) => {
    const row = await tx.gradingPolicy.findUnique({ where: { exerciseId } });
    if (!row) throw new Error(`exercise ${exerciseId} has no grading policy to re-decide against`);
    const policy = policyFromRow(row);
    const { toFailed, toPassed } = await redecide(tx, exerciseId, policy, scheduleOf(policy));
    await writeAudit(tx, {
      actorId,
      action: 'submission.redecide',
      entityType: 'Exercise',
      entityId: exerciseId,
      data: { policyVersion: row.version, minTestAccuracy: policy.minTestAccuracy, toFailed, toPassed },
    });
    return { exerciseId, minTestAccuracy: policy.minTestAccuracy, policyVersion: row.version, toPassed, toFailed };
  });
}
