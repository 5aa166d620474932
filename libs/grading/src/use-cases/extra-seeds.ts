import type { TExtraSeedJob, TQueueKind } from '@epoch/contracts';
import { policyFromRow, type EpochPrismaClient } from '@epoch/db';
import { finishExtraSeed } from '../lifecycle/lifecycle';
import { scheduleOf } from '../lifecycle/schedule';
import { EXTRA_SEED_PRIORITY } from '../queue-order';
import { enqueueExtraSeedJob, type TGradingQueues } from '../queues';

/**
 * Best-of-k's extra seeds. A graded result within the policy's margin below the pass mark is stored decided on the seeds
 * trained so far, with the next seed pending (Result.pendingSeed); that seed trains as its own job at EXTRA_SEED_PRIORITY,
 * below every graded and practice run, and finishExtraSeed adds it and decides again, queueing the next one while
 * wantsAnotherSeed says so. Postgres is the truth: a pending seed without a job is queued again by the reconciler.
 */

/** Queues the job of a graded attempt's pending seed (after the row that names it is committed). */
export async function queueExtraSeed(queues: TGradingQueues, submissionId: string, extra: TExtraSeedJob, queue: TQueueKind): Promise<void> {
  await enqueueExtraSeedJob(queues, submissionId, extra, queue, EXTRA_SEED_PRIORITY);
}

/**
 * Ends a submission's best-of-k series without its pending seed (the seed's job failed for good, or the policy no longer
 * asks for more seeds): the seeds trained so far decide, under the exercise's current policy. Null when the result no
 * longer waits for that seed.
 */
export async function endSeedSeries(prisma: EpochPrismaClient, submissionId: string, extra: TExtraSeedJob) {
  const s = await prisma.submission.findUnique({ where: { id: submissionId }, select: { exercise: { select: { policy: true } } } });
  const row = s?.exercise.policy;
  if (!row) return null;
  const policy = policyFromRow(row);
  return finishExtraSeed(prisma, { id: submissionId, ...extra }, null, policy, scheduleOf(policy));
}
