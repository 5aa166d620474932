import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { EpochMetric, EpochPrismaClient, GradingPolicy, Submission } from '@epoch/db';
import { estimateQueueEtaSeconds, WORKER_HEARTBEAT_PREFIX, ZGradingProgress, type TEpochView, type TGradingProgress, type TProgressView } from '@epoch/contracts';
import { GRADING_QUEUE, PRISMA, REDIS } from '../config';
import type { GradingQueue } from '../app.module';
import { shownStatus } from './submission-view';

export const TERMINAL = new Set(['PASSED', 'FAILED', 'REJECTED', 'ERROR', 'CANCELLED']);

export const epochView = (m: Pick<EpochMetric, 'attempt' | 'epoch' | 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy' | 'seconds'>): TEpochView => ({
  attempt: m.attempt, epoch: m.epoch, loss: m.loss, accuracy: m.accuracy, valLoss: m.valLoss, valAccuracy: m.valAccuracy, seconds: m.seconds,
});

/** Status, queue position, ETA and epochs of a submission, computed from the database (the grader's record). */
@Injectable()
export class ProgressService {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GRADING_QUEUE) private readonly queue: GradingQueue,
  ) {}

  /** The grader's live report on the job (BullMQ job progress), when it is a valid one. */
  async live(submissionId: string): Promise<TGradingProgress | null> {
    const job = await this.queue.getJob(submissionId).catch(() => undefined);
    const r = ZGradingProgress.safeParse(job?.progress);
    return r.success ? r.data : null;
  }

  /** Live graders (their heartbeat keys); at least 1 so an ETA is still given while none is up. */
  async workers(): Promise<number> {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${WORKER_HEARTBEAT_PREFIX}*`, 'COUNT', 100);
      cursor = next;
      n += keys.length;
    } while (cursor !== '0');
    return n;
  }

  /** Epochs after `after` (attempt, epoch), of the latest attempt only. */
  async epochs(submissionId: string, after?: { attempt: number; epoch: number }): Promise<TEpochView[]> {
    const last = await this.prisma.epochMetric.findFirst({ where: { submissionId }, orderBy: [{ attempt: 'desc' }], select: { attempt: true } });
    if (!last) return [];
    const rows = await this.prisma.epochMetric.findMany({
      where: {
        submissionId, attempt: last.attempt,
        ...(after ? (after.attempt === last.attempt ? { epoch: { gt: after.epoch } } : after.attempt > last.attempt ? { epoch: { lt: 0 } } : {}) : {}),
      },
      orderBy: { epoch: 'asc' },
    });
    return rows.map(epochView);
  }

  async progress(s: Submission, policy: GradingPolicy | null, hidden: boolean, withEpochs = true): Promise<TProgressView> {
    let queuePosition: number | null = null;
    let etaSeconds: number | null = null;
    let live: TGradingProgress | null = null;
    const epochs = withEpochs ? await this.epochs(s.id) : [];
    if (s.status === 'QUEUED' || s.status === 'RUNNING') {
      const recent = await this.prisma.result.aggregate({ _avg: { trainingMs: true, evaluationMs: true }, where: { submission: { exerciseId: s.exerciseId } } });
      const perJob = ((recent._avg.trainingMs ?? 0) + (recent._avg.evaluationMs ?? 0)) / 1000 || null;
      if (s.status === 'QUEUED') {
        queuePosition = 1 + await this.prisma.submission.count({ where: { status: 'QUEUED', OR: [{ queuedAt: { lt: s.queuedAt ?? s.createdAt } }, { queuedAt: s.queuedAt ?? s.createdAt, id: { lt: s.id } }] } });
        if (perJob) etaSeconds = estimateQueueEtaSeconds({ position: queuePosition, workers: await this.workers(), secondsPerJob: perJob });
      } else {
        live = await this.live(s.id);
        const done = epochs.length;
        const total = policy?.requiredEpochs ?? policy?.maxEpochs ?? null;
        const perEpoch = done > 0 ? epochs.reduce((a, e) => a + e.seconds, 0) / done : null;
        if (live?.etaSeconds !== null && live?.etaSeconds !== undefined) etaSeconds = Math.round(live.etaSeconds);
        else if (perEpoch !== null && total !== null) etaSeconds = Math.max(0, Math.round((total - done) * perEpoch));
        else if (perJob) etaSeconds = Math.round(perJob);
      }
    }
    return { submissionId: s.id, status: shownStatus(s.status, hidden), queuePosition, etaSeconds, epochs, live, resultHidden: hidden };
  }
}
