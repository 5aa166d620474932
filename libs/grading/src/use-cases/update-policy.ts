import { DomainError, type TGradingPolicy, type TPolicyUpdateResult } from '@epoch/contracts';
import { policyColumns, policyFromRow, writeAudit, type EpochPrismaClient, type EpochTransactionClient, type GradingPolicy } from '@epoch/db';
import { redecide } from '../lifecycle/lifecycle';
import { scheduleOf } from '../lifecycle/schedule';
import { samePolicy, scheduleChanged } from '../policy/policy-history';
import { policyRowOf, type TExerciseRef } from './submit';

export type TRedecided = TPolicyUpdateResult['redecided'];

/**
 * Writes a new version of an exercise's policy inside the caller's transaction: the row (optimistic lock on the
 * version read), its history row (who, when, old -> new, and whether it came from the web app or the course files),
 * the re-decision of stored PASSED/FAILED results when the pass mark changed (with its own audit entry), and an audit
 * entry for the change. The one writer of policy versions: the web's edits and content syncs both come here.
 */
export async function changePolicy(
  tx: EpochTransactionClient,
  exercise: { id: string; policy: GradingPolicy | null; slug: string },
  actorId: string | null,
  next: TGradingPolicy,
  opts: { source: 'WEB' | 'FILES'; filePolicy?: TGradingPolicy },
): Promise<{ row: GradingPolicy; redecided: TRedecided; recredited: number }> {
  const current = policyRowOf(exercise);
  const oldPolicy = policyFromRow(current);
  const version = current.version + 1;
  const data = { ...policyColumns(next), version, ...(opts.filePolicy ? { filePolicy: opts.filePolicy } : {}) };
  // Optimistic lock: a concurrent change bumped the version first, so this one would silently overwrite it.
  const updated = await tx.gradingPolicy.updateMany({ where: { id: current.id, version: current.version }, data });
  if (updated.count !== 1) throw new DomainError('conflict', 'policy_changed', 'the policy was changed meanwhile; reload it and apply your change again');
  await tx.gradingPolicyChange.create({
    data: { exerciseId: exercise.id, version, changedById: actorId, source: opts.source, oldValues: oldPolicy, newValues: next },
  });
  let redecided: TRedecided = { passedToFailed: 0, failedToPassed: 0 };
  let recredited = 0;
  // A changed pass mark re-decides verdicts; a changed schedule re-decides late marks and credit (verdicts stay).
  if (oldPolicy.minTestAccuracy !== next.minTestAccuracy || scheduleChanged(oldPolicy, next)) {
    const r = await redecide(tx, exercise.id, next, scheduleOf(next));
    const { toFailed, toPassed } = r;
    redecided = { passedToFailed: toFailed.length, failedToPassed: toPassed.length };
    recredited = r.recredited.length;
    if (toFailed.length + toPassed.length + r.recredited.length > 0) {
      await writeAudit(tx, {
        actorId,
        action: 'submission.redecide',
        entityType: 'Exercise',
        entityId: exercise.id,
        data: {
          policyVersion: version,
          minTestAccuracy: { old: oldPolicy.minTestAccuracy, new: next.minTestAccuracy },
          toFailed,
          toPassed,
          recredited: r.recredited,
        },
      });
    }
  }
  await writeAudit(tx, {
    actorId,
    action: 'policy.update',
    entityType: 'Exercise',
    entityId: exercise.id,
    data: { version, source: opts.source, old: oldPolicy, new: next, redecided },
  });
  return { row: await tx.gradingPolicy.findUniqueOrThrow({ where: { id: current.id } }), redecided, recredited };
}

/**
 * Replaces an exercise's policy from the web app (admins), in one transaction (see changePolicy). An unchanged
 * policy is answered as it is.
 */
export async function updatePolicy(prisma: EpochPrismaClient, exercise: TExerciseRef, actorId: string, next: TGradingPolicy): Promise<TPolicyUpdateResult> {
  const current = policyRowOf(exercise);
  const view = (row: GradingPolicy, redecided: TRedecided): TPolicyUpdateResult => ({
    exerciseSlug: exercise.slug,
    version: row.version,
    policy: policyFromRow(row),
    updatedAt: row.updatedAt.toISOString(),
    redecided,
  });
  if (samePolicy(policyFromRow(current), next)) return view(current, { passedToFailed: 0, failedToPassed: 0 });
  const { row, redecided } = await prisma.$transaction((tx) => changePolicy(tx, exercise, actorId, next, { source: 'WEB' }));
  return view(row, redecided);
}
