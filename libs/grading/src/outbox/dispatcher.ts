import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
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
  connection: ConnectionOptions;
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
}

export interface TOutboxDispatcher {
  queue: Queue;
  /** Enqueues a delivery job for every due message now (the periodic sweep does the same). */
  sweep: () => Promise<number>;
  close: () => Promise<void>;
}

/**
 * The outbox dispatcher: a BullMQ worker on its own queue. A repeatable `sweep` job finds due messages and adds one
 * `deliver` job per message (jobId `deliver-<id>`, so a message has at most one job at a time); each is retried with
 * exponential backoff and its row records every try. Several dispatchers (API processes) share the work safely: the
 * job id and the row's claim keep a message from being delivered by two at once.
 */
export async function startOutboxDispatcher(o: TOutboxDispatcherOptions): Promise<TOutboxDispatcher> {
  const attempts = o.attempts ?? 8;
  const backoffMs = o.backoffMs ?? 5_000;
  const leaseMs = o.leaseMs ?? 5 * 60_000;
  const queue = new Queue(OUTBOX_QUEUE, { connection: o.connection, prefix: o.prefix });
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
    { connection: o.connection, prefix: o.prefix, concurrency: 4 },
  );
  worker.on('failed', (job, err) => o.log?.warn({ job: job?.name, id: job?.data, attempt: job?.attemptsMade, err: err.message }, 'outbox: try failed'));
  worker.on('error', (err) => o.log?.warn({ err: err.message }, 'outbox: worker error'));
  await queue.upsertJobScheduler(SWEEP, { every: o.sweepEveryMs ?? 5_000 }, { name: SWEEP, opts: { removeOnComplete: true, removeOnFail: true } });
  for (const t of periodic.values()) {
    await queue.upsertJobScheduler(t.name, { every: t.everyMs }, { name: t.name, opts: { removeOnComplete: true, removeOnFail: true } });
  }
  return {
    queue,
    sweep,
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}
