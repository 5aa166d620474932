import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { EpochPrismaClient } from '@epoch/db';
import { deliverOutboxMessage, dueOutboxMessages, type TDeliverOptions, type TOutboxHandlers } from './outbox';

/** The outbox's BullMQ queue (its own, beside the grading queues). */
export const OUTBOX_QUEUE = 'epoch-outbox';
const DELIVER = 'deliver';
const SWEEP = 'sweep';

/** Something the dispatcher runs now and then besides the sweep (e.g. writing deadline reminders into the outbox). */
export interface TPeriodicTask {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

export interface TOutboxDispatcherOptions {
  prisma: EpochPrismaClient;
  /** Redis (redis://…). The dispatcher keeps its own connections: it must not share a client whose requests give up. */
  redisUrl: string;
  prefix: string;
  handlers: TOutboxHandlers;
  /** How often due messages are looked for (ms). A message waits at most about this long after its transaction commits. */
  sweepEveryMs?: number;
  /** Delivery tries per message, and the first retry's delay (doubling each time). */
  attempts?: number;
  backoffMs?: number;
  /** See TDeliverOptions.leaseMs. */
  leaseMs?: number;
  periodic?: TPeriodicTask[];
  log?: { info: (o: object, msg: string) => void; warn: (o: object, msg: string) => void };
  /** Test hooks (see TDeliverOptions). */
  hooks?: Pick<TDeliverOptions, 'afterClaim' | 'afterSend'>;
  /** How long close() waits for BullMQ before giving up on an unreachable Redis (ms). */
  closeTimeoutMs?: number;
}

export interface TOutboxDispatcher {
  queue: Queue;
  /**
   * Settles once the sweep and the periodic tasks are scheduled in Redis: true, or false when the dispatcher was closed
   * first (Redis never answered). Starting does not wait for it: with Redis away, the dispatcher waits until it is back.
   */
  ready: Promise<boolean>;
  /** Enqueues a delivery job for every due message now (the periodic sweep does the same). */
  sweep: () => Promise<number>;
  /**
   * Stops taking jobs and closes the queue. Waits for a delivery in progress, but never longer than closeTimeoutMs:
   * with Redis gone BullMQ's close never returns, and a process shutting down must not hang on it (a delivery cut
   * short is tried again by the next dispatcher: the row's claim expires).
   */
  close: () => Promise<void>;
}

/**
 * The outbox dispatcher: a BullMQ worker on its own queue. A repeatable `sweep` job finds due messages and adds one
 * `deliver` job per message (jobId `deliver-<id>`, so a message has at most one job at a time); each is retried with
 * exponential backoff and its row records every try. Several dispatchers (API processes) share the work safely: the
 * job id and the row's claim keep a message from being delivered by two at once.
 *
 * Redis may be away when it starts, or go away and come back (empty, if it kept nothing): starting never waits for it,
 * and each time the connection becomes ready the schedules are written again (idempotently), so the sweep resumes by
 * itself. The rows in Postgres are the truth; whatever Redis lost is found again by the next sweep.
 */
export function startOutboxDispatcher(o: TOutboxDispatcherOptions): TOutboxDispatcher {
  const attempts = o.attempts ?? 8;
  const backoffMs = o.backoffMs ?? 5_000;
  const leaseMs = o.leaseMs ?? 5 * 60_000;
  const closeTimeoutMs = o.closeTimeoutMs ?? 5_000;
  const warn = (err: unknown, msg: string) => o.log?.warn({ err: err instanceof Error ? err.message : String(err) }, msg);
  // BullMQ waits for Redis with requests that never give up (maxRetriesPerRequest null), as its workers require.
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(OUTBOX_QUEUE, { connection: redis, prefix: o.prefix });
  const sweep = async () => {
    const ids = await dueOutboxMessages(o.prisma, { leaseMs });
    if (ids.length === 0) return 0;
    await queue.addBulk(
      ids.map((id) => ({
        name: DELIVER,
        data: { id },
        opts: { jobId: `deliver-${id}`, attempts, backoff: { type: 'exponential', delay: backoffMs }, removeOnComplete: true, removeOnFail: true },
      })),
    );
    return ids.length;
  };
  const periodic = new Map((o.periodic ?? []).map((t) => [t.name, t]));
  const worker = new Worker(
    OUTBOX_QUEUE,
    async (job: Job) => {
      if (job.name === SWEEP) return sweep();
      if (job.name === DELIVER) {
        const id = String((job.data as { id?: unknown }).id);
        const outcome = await deliverOutboxMessage(o.prisma, id, o.handlers, {
          final: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
          leaseMs,
          ...o.hooks,
        });
        o.log?.info({ outboxId: id, outcome, attempt: job.attemptsMade + 1 }, 'outbox: delivery');
        return outcome;
      }
      const task = periodic.get(job.name);
      if (task) return task.run();
      throw new Error(`outbox: unknown job ${job.name}`);
    },
    { connection: { url: o.redisUrl, maxRetriesPerRequest: null }, prefix: o.prefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) => o.log?.warn({ job: job?.name, id: job?.data, attempt: job?.attemptsMade, err: err.message }, 'outbox: try failed'));
  worker.on('error', (err) => warn(err, 'outbox: worker error'));
  queue.on('error', (err) => warn(err, 'outbox: queue error'));
  redis.on('error', (err) => warn(err, 'outbox: Redis connection error'));

  let closed = false;
  let settleReady: (scheduled: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => {
    settleReady = resolve;
  });
  const schedule = async () => {
    await queue.upsertJobScheduler(SWEEP, { every: o.sweepEveryMs ?? 5_000 }, { name: SWEEP, opts: { removeOnComplete: true, removeOnFail: true } });
    for (const t of periodic.values()) {
      await queue.upsertJobScheduler(t.name, { every: t.everyMs }, { name: t.name, opts: { removeOnComplete: true, removeOnFail: true } });
    }
  };
  const onReady = () => {
    schedule().then(
      () => settleReady(true),
      (err: unknown) => {
        if (!closed) warn(err, 'outbox: could not schedule the sweep (tried again when Redis reconnects)');
      },
    );
  };
  redis.on('ready', onReady);
  if (redis.status === 'ready') onReady();

  return {
    queue,
    ready,
    sweep,
    close: async () => {
      closed = true;
      settleReady(false);
      redis.off('ready', onReady);
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled([worker.close(), queue.close()]).then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), closeTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      // The queue does not close a connection it was given.
      redis.disconnect();
      if (!finished) o.log?.warn({ waitedMs: closeTimeoutMs }, 'outbox: Redis did not answer while closing; stopped without waiting for it');
    },
  };
}
