import type { GradingPolicy, Submission } from '@epoch/db';
import {
  estimateEtaFromWork,
  estimateQueueEtaSeconds,
  queueEtaRange,
  ZGradingProgress,
  type TEtaRange,
  type TGradingProgress,
  type TProgressView,
} from '@epoch/contracts';
import type { TGradingDeps } from '../deps';
import { shownStatus } from '../lifecycle/schedule';
import { jobsAhead } from '../queue-order';
import { findGradingJob } from '../queues';
import { attemptEpochs, latestEpochs } from '../repositories/epochs.repository';
import { meanJobSeconds, recentThroughput, runningWork, workAhead } from '../repositories/submission.repository';
import { isWorkerAlive, liveWorkers } from '../workers';

export type TProgressDeps = Pick<TGradingDeps, 'prisma' | 'redis' | 'queues' | 'queuePrefix'>;

/** The grader's live report on the job (BullMQ job progress), when it is a valid one. */
export async function liveReport(deps: Pick<TGradingDeps, 'queues'>, submissionId: string): Promise<TGradingProgress | null> {
  const found = await findGradingJob(deps.queues, submissionId).catch(() => null);
  const r = ZGradingProgress.safeParse(found?.job.progress);
  return r.success ? r.data : null;
}

/**
 * Says why an unfinished submission's training started over (or is about to): its grader stopped answering (its
 * heartbeat expired: another grader takes the job over once its lock runs out), the running attempt restarted after
 * an earlier one ended without a result, or it waits in the queue after such an ending. Null otherwise.
 */
export function restartNotice(
  s: Pick<Submission, 'status' | 'attemptCount' | 'startedAt'>,
  live: Pick<TGradingProgress, 'restarted'> | null,
  graderAlive: boolean | null,
): string | null {
  const n = s.attemptCount;
  const notYours = 'not because of your model';
  if (s.status === 'RUNNING' && graderAlive === false)
    return `The grader training attempt ${n} stopped responding (${notYours}); another grader will take the submission over shortly and train it again from the beginning.`;
  if (s.status === 'RUNNING' && live?.restarted)
    return `Attempt ${n - 1} was interrupted (its grader stopped or failed, ${notYours}); training started again from the beginning as attempt ${n}.`;
  if (s.status === 'QUEUED' && n > 0 && s.startedAt !== null)
    return `Attempt ${n} was interrupted (its grader stopped or failed, ${notYours}); the submission waits in the queue to be trained again from the beginning.`;
  return null;
}

/**
 * Status, queue position, ETA and epochs of a submission, from the database (the grader's record) and the queue. A
 * queued submission's ETA comes from the models' cost: the work ahead (jobs without an estimate count as the average
 * one) and its own, at the throughput recent jobs achieved; without those, from the mean duration of this exercise's
 * recent jobs. A running one's comes from the grader's live report, else from its finished epochs. While unfinished,
 * only the current attempt counts: an earlier attempt's epochs and live report (left by a grader that died) are not
 * shown as if they were this one's, and `restarted` says that training started over.
 */
export async function submissionProgress(
  deps: TProgressDeps,
  s: Submission,
  policy: Pick<GradingPolicy, 'requiredEpochs' | 'maxEpochs'> | null,
  hidden: boolean,
  withEpochs = true,
): Promise<TProgressView> {
  const { prisma } = deps;
  let queuePosition: number | null = null;
  let etaSeconds: number | null = null;
  let live: TGradingProgress | null = null;
  let graderAlive: boolean | null = null;
  const unfinished = s.status === 'QUEUED' || s.status === 'RUNNING';
  const epochs = !withEpochs ? [] : unfinished ? await attemptEpochs(prisma, s.id, s.attemptCount) : await latestEpochs(prisma, s.id);
  let etaRange: TEtaRange | null = null;
  if (s.status === 'QUEUED') {
    const found = await findGradingJob(deps.queues, s.id).catch(() => null);
    const ids = found ? await jobsAhead(deps.queues[found.kind], deps.redis, s.id).catch(() => null) : null;
    const [ahead, workers] = await Promise.all([workAhead(prisma, s, ids), liveWorkers(deps.redis, deps.queuePrefix)]);
    queuePosition = ahead.count + 1;
    const throughput = s.workMacs ? await recentThroughput(prisma) : null;
    if (s.workMacs && throughput) {
      const work = ahead.sum + (ahead.count - ahead.estimated) * (ahead.mean ?? s.workMacs);
      // The submissions training now are ahead too: what their graders say they still need, else their whole work.
      let runningSecondsLeft = 0;
      for (const r of await runningWork(prisma)) {
        const report = await liveReport(deps, r.id);
        runningSecondsLeft += report?.etaSeconds ?? (r.workMacs ?? s.workMacs) / throughput;
      }
      etaSeconds = estimateEtaFromWork({ workAhead: work, ownWork: s.workMacs, workers: workers.total, macsPerSecond: throughput, runningSecondsLeft });
    } else {
      const perJob = await meanJobSeconds(prisma, s.exerciseId);
      if (perJob) etaSeconds = estimateQueueEtaSeconds({ position: queuePosition, workers: workers.total, secondsPerJob: perJob });
    }
    if (etaSeconds !== null) etaRange = queueEtaRange(etaSeconds);
  } else if (s.status === 'RUNNING') {
    live = await liveReport(deps, s.id);
    // A report of an earlier attempt is stale: its grader is gone and the new attempt has not reported yet.
    if (live && live.attempt !== s.attemptCount) live = null;
    if (live?.worker) graderAlive = await isWorkerAlive(deps.redis, deps.queuePrefix, live.worker);
    const done = epochs.length;
    const total = policy?.requiredEpochs ?? policy?.maxEpochs ?? null;
    const perEpoch = done > 0 ? epochs.reduce((a, e) => a + e.seconds, 0) / done : null;
    if (graderAlive === false) etaSeconds = null;
    else if (live?.etaSeconds !== null && live?.etaSeconds !== undefined) {
      etaSeconds = Math.round(live.etaSeconds);
      etaRange = live.etaRange ? { low: Math.round(live.etaRange.low), high: Math.round(live.etaRange.high) } : null;
    } else if (perEpoch !== null && total !== null) etaSeconds = Math.max(0, Math.round((total - done) * perEpoch));
    else {
      const throughput = s.workMacs ? await recentThroughput(prisma) : null;
      const perJob = throughput && s.workMacs ? s.workMacs / throughput : await meanJobSeconds(prisma, s.exerciseId);
      if (perJob) etaSeconds = Math.round(perJob);
    }
  }
  return {
    submissionId: s.id,
    status: shownStatus(s.status, hidden),
    queuePosition,
    etaSeconds,
    etaRange,
    epochs,
    live,
    attempt: s.attemptCount,
    restarted: restartNotice(s, live, graderAlive),
    resultHidden: hidden,
  };
}
