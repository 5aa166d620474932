import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { EpochMetric, EpochPrismaClient, GradingPolicy, Submission } from '@epoch/db';
import { estimateEtaFromWork, estimateQueueEtaSeconds, ZGradingProgress, type TEpochView, type TGradingProgress, type TProgressView } from '@epoch/contracts';
import { findGradingJob, liveWorkers, type TGradingQueues, type TLiveWorkers } from '@epoch/grading';
import { API_CONFIG, GRADING_QUEUE, PRISMA, REDIS, type TApiConfig } from '../config';
import { shownStatus } from './submission-view';

export const TERMINAL = new Set(['PASSED', 'FAILED', 'REJECTED', 'ERROR', 'CANCELLED']);

export const epochView = (m: Pick<EpochMetric, 'attempt' | 'epoch' | 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy' | 'seconds'>): TEpochView => ({
  attempt: m.attempt,
  epoch: m.epoch,
  loss: m.loss,
  accuracy: m.accuracy,
  valLoss: m.valLoss,
  valAccuracy: m.valAccuracy,
  seconds: m.seconds,
});

/** Status, queue position, ETA and epochs of a submission, computed from the database (the grader's record). */
@Injectable()
export class ProgressService {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GRADING_QUEUE) private readonly queues: TGradingQueues,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
  ) {}

  /** The grader's live report on the job (BullMQ job progress), when it is a valid one. */
  async live(submissionId: string): Promise<TGradingProgress | null> {
    const found = await findGradingJob(this.queues, submissionId).catch(() => null);
    const r = ZGradingProgress.safeParse(found?.job.progress);
    return r.success ? r.data : null;
  }

  /** The graders alive now (their heartbeat keys under this API's queue prefix). */
  liveWorkers(): Promise<TLiveWorkers> {
    return liveWorkers(this.redis, this.config.EPOCH_QUEUE_PREFIX);
  }

  /** How many graders are alive. */
  async workers(): Promise<number> {
    return (await this.liveWorkers()).total;
  }

  /** Epochs after `after` (attempt, epoch), of the latest attempt only. */
  async epochs(submissionId: string, after?: { attempt: number; epoch: number }): Promise<TEpochView[]> {
    const last = await this.prisma.epochMetric.findFirst({ where: { submissionId }, orderBy: [{ attempt: 'desc' }], select: { attempt: true } });
    if (!last) return [];
    const rows = await this.prisma.epochMetric.findMany({
      where: {
        submissionId,
        attempt: last.attempt,
        ...(after ? (after.attempt === last.attempt ? { epoch: { gt: after.epoch } } : after.attempt > last.attempt ? { epoch: { lt: 0 } } : {}) : {}),
      },
      orderBy: { epoch: 'asc' },
    });
    return rows.map(epochView);
  }

  /** Multiply-accumulates per second over the last 20 graded jobs with a work estimate (null before the first). */
  async recentThroughput(): Promise<number | null> {
    const recent = await this.prisma.result.findMany({
      where: { submission: { workMacs: { not: null }, reusedFromId: null } },
      orderBy: { createdAt: 'desc' },
      take: 20,
      select: { trainingMs: true, evaluationMs: true, submission: { select: { workMacs: true } } },
    });
    const work = recent.reduce((a, r) => a + (r.submission.workMacs ?? 0), 0);
    const seconds = recent.reduce((a, r) => a + r.trainingMs + r.evaluationMs, 0) / 1000;
    return work > 0 && seconds > 0 ? work / seconds : null;
  }

  private async meanJobSeconds(exerciseId: string): Promise<number | null> {
    const recent = await this.prisma.result.aggregate({ _avg: { trainingMs: true, evaluationMs: true }, where: { submission: { exerciseId } } });
    return ((recent._avg.trainingMs ?? 0) + (recent._avg.evaluationMs ?? 0)) / 1000 || null;
  }

  async progress(s: Submission, policy: GradingPolicy | null, hidden: boolean, withEpochs = true): Promise<TProgressView> {
    let queuePosition: number | null = null;
    let etaSeconds: number | null = null;
    let live: TGradingProgress | null = null;
    const epochs = withEpochs ? await this.epochs(s.id) : [];
    if (s.status === 'QUEUED') {
      const since = s.queuedAt ?? s.createdAt;
      const ahead = { status: 'QUEUED' as const, OR: [{ queuedAt: { lt: since } }, { queuedAt: since, id: { lt: s.id } }] };
      const [count, work, workers] = await Promise.all([
        this.prisma.submission.count({ where: ahead }),
        this.prisma.submission.aggregate({ _sum: { workMacs: true }, _avg: { workMacs: true }, _count: { workMacs: true }, where: ahead }),
        this.workers(),
      ]);
      queuePosition = count + 1;
      // From the model's cost: the work ahead (jobs without an estimate count as the average one) and its own, at the
      // throughput recent jobs achieved; without those, from the mean duration of this exercise's recent jobs.
      const throughput = s.workMacs ? await this.recentThroughput() : null;
      if (s.workMacs && throughput) {
        const workAhead = (work._sum.workMacs ?? 0) + (count - work._count.workMacs) * (work._avg.workMacs ?? s.workMacs);
        etaSeconds = estimateEtaFromWork({ workAhead, ownWork: s.workMacs, workers, macsPerSecond: throughput });
      } else {
        const perJob = await this.meanJobSeconds(s.exerciseId);
        if (perJob) etaSeconds = estimateQueueEtaSeconds({ position: queuePosition, workers, secondsPerJob: perJob });
      }
    } else if (s.status === 'RUNNING') {
      live = await this.live(s.id);
      const done = epochs.length;
      const total = policy?.requiredEpochs ?? policy?.maxEpochs ?? null;
      const perEpoch = done > 0 ? epochs.reduce((a, e) => a + e.seconds, 0) / done : null;
      if (live?.etaSeconds !== null && live?.etaSeconds !== undefined) etaSeconds = Math.round(live.etaSeconds);
      else if (perEpoch !== null && total !== null) etaSeconds = Math.max(0, Math.round((total - done) * perEpoch));
      else {
        const throughput = s.workMacs ? await this.recentThroughput() : null;
        const perJob = throughput && s.workMacs ? s.workMacs / throughput : await this.meanJobSeconds(s.exerciseId);
        if (perJob) etaSeconds = Math.round(perJob);
      }
    }
    return { submissionId: s.id, status: shownStatus(s.status, hidden), queuePosition, etaSeconds, epochs, live, resultHidden: hidden };
  }
}
