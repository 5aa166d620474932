import type { EpochPrismaClient, EpochTransactionClient } from '@epoch/db';

export interface TRedecideReport {
  exerciseId: string;
  minTestAccuracy: number;
  policyVersion: number;
  /** Submission ids whose status changed. */
  toPassed: string[];
  toFailed: string[];
}

/**
 * Regrading without retraining: re-decides PASSED/FAILED for every graded submission of an exercise from its stored
 * Result.testAccuracy against the exercise's current threshold, in one transaction with an audit entry
 * (`submission.redecide`, actor `actorId`; null for the system). Submissions without a result are untouched; a
 * full retraining is a separate, explicit action (enqueue them again).
 */
export async function redecideExercise(prisma: EpochPrismaClient, exerciseId: string, actorId: string | null): Promise<TRedecideReport> {
  return prisma.$transaction(async (tx) => {
    const policy = await tx.gradingPolicy.findUnique({ where: { exerciseId } });
    if (!policy) throw new Error(`exercise ${exerciseId} has no grading policy to re-decide against`);
    const min = policy.minTestAccuracy;
    const { toFailed, toPassed } = await redecideInTransaction(tx, exerciseId, min);
    await tx.auditLog.create({
      data: {
        actorId,
        action: 'submission.redecide',
        entityType: 'Exercise',
        entityId: exerciseId,
        data: { policyVersion: policy.version, minTestAccuracy: min, toFailed, toPassed },
      },
    });
    return { exerciseId, minTestAccuracy: min, policyVersion: policy.version, toPassed, toFailed };
  });
}

/**
 * The re-decision itself, inside the caller's transaction (the API runs it with a policy change): graded submissions
 * below `minTestAccuracy` become FAILED with the reason, those at or above it PASSED. Returns the ids that changed.
 */
export async function redecideInTransaction(
  tx: EpochTransactionClient,
  exerciseId: string,
  minTestAccuracy: number,
): Promise<{ toFailed: string[]; toPassed: string[] }> {
  const min = minTestAccuracy;
  const toFailed = (await tx.submission.findMany({ where: { exerciseId, status: 'PASSED', result: { testAccuracy: { lt: min } } }, select: { id: true } })).map(
    (s) => s.id,
  );
  const toPassed = (
    await tx.submission.findMany({ where: { exerciseId, status: 'FAILED', result: { testAccuracy: { gte: min } } }, select: { id: true } })
  ).map((s) => s.id);
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  for (const id of toFailed) {
    const r = await tx.result.findUniqueOrThrow({ where: { submissionId: id }, select: { testAccuracy: true } });
    await tx.submission.update({
      where: { id },
      data: { status: 'FAILED', errorMessage: `Test accuracy ${pct(r.testAccuracy)} is below the required ${pct(min)} (re-decided after a threshold change).` },
    });
  }
  if (toPassed.length) await tx.submission.updateMany({ where: { id: { in: toPassed } }, data: { status: 'PASSED', errorMessage: null } });
  return { toFailed, toPassed };
}
