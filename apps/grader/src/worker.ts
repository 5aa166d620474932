import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EpochPrismaClient } from '@epoch/db';
import type { TGradingJobPayload } from '@epoch/contracts';
import { GRADING_QUEUES } from '@epoch/contracts';
import {
  closeGradingQueues,
  listenForCancellations,
  openGradingQueues,
  queueExtraSeed,
  reorderAfter,
  type TGradingQueues,
  type TQueueKind,
} from '@epoch/grading';
import { createArtifactStore } from '@epoch/artifacts';
import { defaultDataDir, prepareCifar10 } from '@epoch/datasets';
import type { TBackendInfo } from '@epoch/trainer';
import { join } from 'node:path';
import type { ChildPool } from './child/child-pool';
import type { TChildRun } from './child/training-child';
import type { TDataSource } from './child/protocol';
import type { TGraderConfig } from './config';
import type { TGradeOutcome } from './grade-submission';
import { handleGradeJob } from './jobs/grade.job';
import type { GraderMetrics } from './metrics';

export interface TGradingWorker {
  /** One BullMQ Worker per served queue, in order of preference. */
  workers: Worker<TGradingJobPayload, TGradeOutcome>[];
  queues: TGradingQueues;
  served: TQueueKind[];
  /** Starts taking jobs. */
  run: () => void;
  /** Stops taking jobs, hands a running job back to the queue, and closes the worker. */
  close: () => Promise<void>;
}

/**
 * Prepares the dataset's cache once per process (decoding the source only when the cache is missing or stale); a
 * failed preparation is forgotten so the next job tries again. The training children read the prepared cache, and
 * from then on the spare child loads it before its job comes.
 */
export function preparedData(config: TGraderConfig, log: Logger, pool: Pick<ChildPool, 'setData'>): () => Promise<TDataSource> {
  const source: TDataSource = {
    ...(config.EPOCH_CIFAR10 ? { source: config.EPOCH_CIFAR10 } : {}),
    ...(config.EPOCH_DATA_DIR ? { cacheDir: join(config.EPOCH_DATA_DIR, 'cifar10') } : {}),
  };
  let pending: Promise<TDataSource> | null = null;
  return () => {
    pending ??= prepareCifar10({ ...source, onProgress: (m) => log.info(`data: ${m}`) }).then(
      () => {
        pool.setData(source);
        return source;
      },
      (e: unknown) => {
        pending = null;
        throw e;
      },
    );
    return pending;
  };
}

/** Errors of a Redis connection that is down or was lost (the client reconnects by itself). */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : '';
  return (
    (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) ||
    /Connection is closed|Stream isn't writeable|connect ETIMEDOUT/.test(message)
  );
}

export interface TWorkerDeps {
  config: TGraderConfig;
  prisma: EpochPrismaClient;
  connection: Redis;
  backend: TBackendInfo;
  /** The training children (one fresh child per job). */
  pool: ChildPool;
  log: Logger;
  metrics?: GraderMetrics;
  prepareData?: () => Promise<TDataSource>;
}

/**
 * The grading worker: a BullMQ Worker on each queue it serves (config's prefix, lock and stall settings). With two
 * queues, a job taken from one pauses the other until it ends, and the jobs are graded one after the other: a worker
 * already waiting for a job when the other queue's job started can still fetch one, which then waits its turn (its
 * lock is kept alive meanwhile), so the process trains one model at a time.
 */
export function createGradingWorker(deps: TWorkerDeps & { served: TQueueKind[] }): TGradingWorker {
  const { config, prisma, connection, backend, log, metrics, served, pool } = deps;
  const shutdown = new AbortController();
  const prepareData = deps.prepareData ?? preparedData(config, log, pool);
  const queues = openGradingQueues(connection, config.EPOCH_QUEUE_PREFIX);
  // While Redis is away every client reports each reconnection attempt: log the first, then only other errors, until
  // the connection is back (main.ts says when).
  let redisAway = false;
  connection.on('ready', () => {
    redisAway = false;
  });
  const redisErrors = (what: string) => (e: Error) => {
    const lost = isConnectionError(e);
    if (lost && redisAway) return;
    if (lost) redisAway = true;
    log.warn({ err: e }, what);
  };
  for (const q of Object.values(queues)) q.on('error', redisErrors('queue error'));
  // The lock of each running job: aborted when BullMQ cannot renew it (lost to expiry or to another worker).
  const locks = new Map<string, AbortController>();
  // The cancellation of each running job, told by the API over Redis (the job also polls the status, in case a message
  // is lost): aborted with the time the submission was cancelled.
  const cancels = new Map<string, AbortController>();
  const listening = listenForCancellations(connection, config.EPOCH_QUEUE_PREFIX, (c) => cancels.get(c.submissionId)?.abort(c.at), log).catch((e: unknown) => {
    log.warn({ err: e }, 'could not listen for cancellations: a cancelled job stops at its next look at the status');
    return async () => undefined;
  });
  const graderDeps = {
    prisma,
    backend,
    log,
    workerId: config.EPOCH_WORKER_ID,
    prepareData,
    runChild: async (r: TChildRun) => {
      const child = pool.take();
      log.info({ submissionId: r.submissionId, child: child.pid }, 'training in a child process');
      try {
        return await child.run(r);
      } finally {
        pool.refill();
      }
    },
    cancelPollMs: config.EPOCH_GRADER_CANCEL_POLL_MS,
    progressEveryBatches: config.EPOCH_GRADER_PROGRESS_BATCHES,
    artifacts: createArtifactStore(config, defaultDataDir({ EPOCH_DATA_DIR: config.EPOCH_DATA_DIR })),
    onThroughput: (ips: number) => metrics?.imagesPerSecond.set({ backend: backend.name }, ips),
  };
  // One grading at a time across the queues (see above); with one queue BullMQ's concurrency setting governs.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(f: () => Promise<T>): Promise<T> => {
    if (served.length < 2) return f();
    const mine = turn.then(f, f);
    turn = mine.catch(() => undefined);
    return mine;
  };
  const workers = served.map((kind) => {
    const worker = new Worker<TGradingJobPayload, TGradeOutcome>(
      GRADING_QUEUES[kind],
      async (job: Job<TGradingJobPayload, TGradeOutcome>, token?: string) => {
        const lock = new AbortController();
        const cancelled = new AbortController();
        if (job.id) locks.set(job.id, lock);
        if (job.id) cancels.set(job.id, cancelled);
        try {
          return await inTurn(() =>
            handleGradeJob(
              graderDeps,
              {
                shutdown: shutdown.signal,
                lockLost: lock.signal,
                cancelled: cancelled.signal,
                queueExtraSeed: (submissionId, extra) => queueExtraSeed(queues, submissionId, extra, kind),
                onFinished: (outcome, seconds) => metrics?.jobDuration.observe({ outcome, backend: backend.name }, seconds),
                onFailure: (kind) => metrics?.failures.inc({ kind }),
              },
              job,
              token,
            ),
          );
        } finally {
          // The run ended (or went back to the queue): its student's other queued runs move up (queue-order.ts).
          if (job.id && !job.data.extraSeed) await reorderAfter({ prisma, queues, log }, job.id);
          if (job.id && locks.get(job.id) === lock) locks.delete(job.id);
          if (job.id && cancels.get(job.id) === cancelled) cancels.delete(job.id);
        }
      },
      {
        connection,
        prefix: config.EPOCH_QUEUE_PREFIX,
        concurrency: config.EPOCH_GRADER_CONCURRENCY,
        lockDuration: config.EPOCH_GRADER_LOCK_MS,
        stalledInterval: config.EPOCH_GRADER_STALLED_MS,
        maxStalledCount: 2,
        autorun: false,
      },
    );
    worker.on('error', redisErrors('worker error'));
    worker.on('lockRenewalFailed', (ids) => {
      for (const id of ids) {
        log.warn({ submissionId: id, queue: kind }, "the job's lock could not be renewed: it was lost");
        locks.get(id)?.abort();
      }
    });
    worker.on('failed', (job, e) => log.info({ submissionId: job?.id, queue: kind, attemptsMade: job?.attemptsMade, reason: e.message }, 'job failed'));
    return worker;
  });
  if (workers.length > 1) {
    let busy = 0;
    for (const w of workers) {
      const others = workers.filter((o) => o !== w);
      w.on('active', () => {
        busy += 1;
        for (const o of others) o.pause(true).catch((e: unknown) => log.warn({ err: e }, 'could not pause a queue'));
      });
      const done = () => {
        busy = Math.max(0, busy - 1);
        if (busy === 0 && !shutdown.signal.aborted)
          for (const o of workers) Promise.resolve(o.resume()).catch((e: unknown) => log.warn({ err: e }, 'could not resume a queue'));
      };
      w.on('completed', done);
      w.on('failed', done);
    }
  }
  return {
    workers,
    queues,
    served,
    run: () => {
      for (const w of workers) w.run().catch((e: unknown) => log.error({ err: e }, 'worker stopped'));
    },
    close: async () => {
      shutdown.abort();
      await Promise.all(workers.map((w) => w.close()));
      await (
        await listening
      )();
      await closeGradingQueues(queues);
      await pool.close();
    },
  };
}
