import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EpochPrismaClient } from '@epoch/db';
import { QueueName, type TGradingJobPayload } from '@epoch/contracts';
import { loadCifar10 } from '@epoch/datasets';
import type { TBackendInfo } from '@epoch/trainer';
import { join } from 'node:path';
import type { TGraderConfig } from './config';
import type { TGradeData, TGradeOutcome } from './grade-submission';
import { handleGradeJob } from './jobs/grade.job';
import type { GraderMetrics } from './metrics';

export interface TGradingWorker {
  worker: Worker<TGradingJobPayload, TGradeOutcome>;
  queue: Queue<TGradingJobPayload>;
  /** Stops taking jobs, hands a running job back to the queue, and closes the worker. */
  close: () => Promise<void>;
}

/** Loads the dataset once per process; a failed load is forgotten so the next job tries again. */
export function cachedData(config: TGraderConfig, log: Logger): () => Promise<TGradeData> {
  let pending: Promise<TGradeData> | null = null;
  return () => {
    pending ??= loadCifar10({
      source: config.EPOCH_CIFAR10,
      ...(config.EPOCH_DATA_DIR ? { cacheDir: join(config.EPOCH_DATA_DIR, 'cifar10') } : {}),
      onProgress: (m) => log.info(`data: ${m}`),
    }).catch((e: unknown) => {
      pending = null;
      throw e;
    });
    return pending;
  };
}

export interface TWorkerDeps {
  config: TGraderConfig;
  prisma: EpochPrismaClient;
  connection: Redis;
  backend: TBackendInfo;
  log: Logger;
  metrics?: GraderMetrics;
  loadData?: () => Promise<TGradeData>;
}

/** The grading worker: one BullMQ Worker on QueueName.Grading with the config's prefix, lock and stall settings. */
export function createGradingWorker(deps: TWorkerDeps): TGradingWorker {
  const { config, prisma, connection, backend, log, metrics } = deps;
  const shutdown = new AbortController();
  const loadData = deps.loadData ?? cachedData(config, log);
  const queue = new Queue<TGradingJobPayload>(QueueName.Grading, { connection, prefix: config.EPOCH_QUEUE_PREFIX });
  const graderDeps = {
    prisma, backend, log, loadData, cancelPollMs: config.EPOCH_GRADER_CANCEL_POLL_MS, progressEveryBatches: config.EPOCH_GRADER_PROGRESS_BATCHES,
    onThroughput: (ips: number) => metrics?.imagesPerSecond.set({ backend: backend.name }, ips),
  };
  const worker = new Worker<TGradingJobPayload, TGradeOutcome>(
    QueueName.Grading,
    (job: Job<TGradingJobPayload, TGradeOutcome>, token?: string) => handleGradeJob(graderDeps, {
      shutdown: shutdown.signal,
      onFinished: (outcome, seconds) => metrics?.jobDuration.observe({ outcome, backend: backend.name }, seconds),
      onFailure: (kind) => metrics?.failures.inc({ kind }),
    }, job, token),
    {
      connection, prefix: config.EPOCH_QUEUE_PREFIX, concurrency: config.EPOCH_GRADER_CONCURRENCY,
      lockDuration: config.EPOCH_GRADER_LOCK_MS, stalledInterval: config.EPOCH_GRADER_STALLED_MS, maxStalledCount: 2,
      autorun: false,
    },
  );
  worker.on('error', (e) => log.warn({ err: e }, 'worker error'));
  worker.on('failed', (job, e) => log.info({ submissionId: job?.id, attemptsMade: job?.attemptsMade, reason: e.message }, 'job failed'));
  return {
    worker,
    queue,
    close: async () => {
      shutdown.abort();
      await worker.close();
      await queue.close();
    },
  };
}
