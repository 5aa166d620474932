import type { GradingPolicy, Submission } from '@epoch/db';
import { estimateEtaFromWork, estimateQueueEtaSeconds, ZGradingProgress, type TGradingProgress, type TProgressView } from '@epoch/contracts';
import type { TGradingDeps } from '../deps';
import { shownStatus } from '../lifecycle/schedule';
import { findGradingJob } from '../queues';
import { latestEpochs } from '../repositories/epochs.repository';
import { meanJobSeconds, recentThroughput, workAhead } from '../repositories/submission.repository';
import { liveWorkers } from '../workers';

export type TProgressDeps = Pick<TGradingDeps, 'prisma' | 'redis' | 'queues' | 'queuePrefix'>;

/** The grader's live report on the job (BullMQ job progress), when it is a valid one. */
export async function liveReport(deps: Pick<TGradingDeps, 'queues'>, submissionId: string): Promise<TGradingProgress | null> {
  const found = await findGradingJob(deps.queues, submissionId).catch(() => null);
  const r = ZGradingProgress.safeParse(found?.job.progress);
  return r.success ? r.data : null;
}

/**
 * Status, queue position, ETA and epochs of a submission, from the database (the grader's record) and the queue. A
 * queued submission's ETA comes from the models' cost: the work ahead (jobs without an estimate count as the average
 * one) and its own, at the throughput recent jobs achieved; without those, from the mean duration of this exercise's
 * recent jobs. A running one's comes from the grader's live report, else from its finished epochs.
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
  const epochs = withEpochs ? await latestEpochs(prisma, s.id) : [];
  if (s.status === 'QUEUED') {
    const [ahead, workers] = await Promise.all([workAhead(prisma, s), liveWorkers(deps.redis, deps.queuePrefix)]);
    queuePosition = ahead.count + 1;
    const throughput = s.workMacs ? await recentThroughput(prisma) : null;
    if (s.workMacs && throughput) {
      const work = ahead.sum + (ahead.count - ahead.estimated) * (ahead.mean ?? s.workMacs);
      etaSeconds = estimateEtaFromWork({ workAhead: work, ownWork: s.workMacs, workers: workers.total, macsPerSecond: throughput });
    } else {
      const perJob = await meanJobSeconds(prisma, s.exerciseId);
      if (perJob) etaSeconds = estimateQueueEtaSeconds({ position: queuePosition, workers: workers.total, secondsPerJob: perJob });
    }
  } else if (s.status === 'RUNNING') {
    live = await liveReport(deps, s.id);
    const done = epochs.length;
    const total = policy?.requiredEpochs ?? policy?.maxEpochs ?? null;
    const perEpoch = done > 0 ? epochs.reduce((a, e) => a + e.seconds, 0) / done : null;
    if (live?.etaSeconds !== null && live?.etaSeconds !== undefined) etaSeconds = Math.round(live.etaSeconds);
    else if (perEpoch !== null && total !== null) etaSeconds = Math.max(0, Math.round((total - done) * perEpoch));
    else {
      const throughput = s.workMacs ? await recentThroughput(prisma) : null;
      const perJob = throughput && s.workMacs ? s.workMacs / throughput : await meanJobSeconds(prisma, s.exerciseId);
      if (perJob) etaSeconds = Math.round(perJob);
    }
  }
  return { submissionId: s.id, status: shownStatus(s.status, hidden), queuePosition, etaSeconds, epochs, live, resultHidden: hidden };
}
