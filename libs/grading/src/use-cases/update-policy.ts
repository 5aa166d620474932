import { DomainError, type TGradingPolicy, type TPolicyUpdateResult } from '@epoch/contracts';
import { policyColumns, policyFromRow, type EpochPrismaClient } from '@epoch/db';
import { redecide } from '../lifecycle/lifecycle';
import { scheduleOf } from '../lifecycle/schedule';
import { samePolicy } from '../policy/policy-history';
import { writeAudit } from '@epoch/db';
import { policyRowOf, type TExerciseRef } from './submit';

/**
 * Replaces an exercise's policy. In one transaction: the new version (optimistic lock on the version read), its
 * history row (who, when, old -> new), the re-decision of stored PASSED/FAILED results when the pass mark changed
 * (with its own audit entry), and an audit entry for the change. An unchanged policy is answered as it is.
 */
export async function updatePolicy(prisma: EpochPrismaClient, exercise: TExerciseRef, actorId: string, next: TGradingPolicy): Promise<TPolicyUpdateResult> {
  const current = policyRowOf(exercise);
  const oldPolicy = policyFromRow(current);
  const view = (row: typeof current, redecided: TPolicyUpdateResult['redecided']): TPolicyUpdateResult => ({
    exerciseSlug: exercise.slug,
    version: row.version,
    policy: policyFromRow(row),
    updatedAt: row.updatedAt.toISOString(),
    redecided,
  });
  if (samePolicy(oldPolicy, next)) return view(current, { passedToFailed: 0, failedToPassed: 0 });
  const version = current.version + 1;
  return prisma.$transaction(async (tx) => {
    // Optimistic lock: a concurrent change bumped the version first, so this one would silently overwrite it.
    const updated = await tx.gradingPolicy.updateMany({ where: { id: current.id, version: current.version }, data: { ...policyColumns(next), version } });
    if (updated.count !== 1) throw new DomainError('conflict', 'policy_changed', 'the policy was changed meanwhile; reload it and apply your change again');
    await tx.gradingPolicyChange.create({ data: { exerciseId: exercise.id, version, changedById: actorId, oldValues: oldPolicy, newValues: next } });
    let redecided = { passedToFailed: 0, failedToPassed: 0 };
    if (oldPolicy.minTestAccuracy !== next.minTestAccuracy) {
      const { toFailed, toPassed } = await redecide(tx, exercise.id, next, scheduleOf(next));
      redecided = { passedToFailed: toFailed.length, failedToPassed: toPassed.length };
      if (toFailed.length + toPassed.length > 0) {
        await writeAudit(tx, {
          actorId,
          action: 'submission.redecide',
          entityType: 'Exercise',
          entityId: exercise.id,
          data: { policyVersion: version, minTestAccuracy: { old: oldPolicy.minTestAccuracy, new: next.minTestAccuracy }, toFailed, toPassed },
        });
      }
    }
    await writeAudit(tx, {
      actorId,
      action: 'policy.update',
      entityType: 'Exercise',
      entityId: exercise.id,
      data: { version, old: oldPolicy, new: next, redecided },
    });
    return view(await tx.gradingPolicy.findUniqueOrThrow({ where: { id: current.id } }), redecided);
  });
}
