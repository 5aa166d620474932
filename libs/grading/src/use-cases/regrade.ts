import type { TRegradeRequest, TRegradeResult } from '@epoch/contracts';
import { policyFromRow } from '@epoch/db';
import type { TGradingDeps } from '../deps';
import { redecide, retrain } from '../lifecycle/lifecycle';
import { scheduleOf } from '../lifecycle/schedule';
import { writeAudit } from '@epoch/db';
import { requeueSubmission } from './enqueue';
import { policyRowOf, type TExerciseRef } from './submit';

/**
 * Staff regrade chosen submissions of an exercise: `redecide` gives each stored result its verdict and message again
 * under the current policy (no training); `retrain` drops the result and queues the submission again. One transaction
 * with an audit entry when it changed anything; retrained submissions are enqueued after it commits.
 */
export async function regrade(deps: TGradingDeps, exercise: TExerciseRef, actorId: string, request: TRegradeRequest): Promise<TRegradeResult> {
  const row = policyRowOf(exercise);
  const policy = policyFromRow(row);
  const ids = [...new Set(request.submissionIds)];
  const outcome = await deps.prisma.$transaction(async (tx) => {
    let changed: string[];
    let skipped: TRegradeResult['skipped'];
    if (request.mode === 'redecide') {
      const r = await redecide(tx, exercise.id, policy, scheduleOf(policy), ids);
      const moved = new Set([...r.toPassed, ...r.toFailed]);
      changed = ids.filter((id) => moved.has(id));
      skipped = r.skipped;
    } else {
      const r = await retrain(tx, exercise.id, ids, row.version);
      changed = r.queued;
      skipped = r.skipped;
    }
    // A request that changed nothing (a concurrent one got there first) leaves no entry: one change, one entry.
    if (changed.length > 0)
      await writeAudit(tx, {
        actorId,
        action: `submission.regrade.${request.mode}`,
        entityType: 'Exercise',
        entityId: exercise.id,
        data: { changed, skipped, policyVersion: row.version },
      });
    return { changed, skipped };
  });
  if (request.mode === 'retrain') for (const id of outcome.changed) await requeueSubmission(deps, id);
  return { mode: request.mode, ...outcome };
}
