import type { Redis } from 'ioredis';
import { z } from 'zod';
import { WORKER_HEARTBEAT_PREFIX } from '@epoch/contracts';
import { QUEUE_KINDS, type TQueueKind } from './queues';

/** What a live grader advertises: its backend (e.g. `node-gpu`, `wasm`), threads, and the queues it takes jobs from. */
export const ZWorkerHeartbeat = z.object({
  worker: z.string().min(1),
  backend: z.string().min(1),
  threads: z.number().int().min(0),
  queues: z.array(z.enum(QUEUE_KINDS as [TQueueKind, ...TQueueKind[]])).min(1),
  since: z.number(),
});
export type TWorkerHeartbeat = z.infer<typeof ZWorkerHeartbeat>;

/** Heartbeats expire after this many seconds: a grader that stops refreshing (killed) drops out of the count. */
export const HEARTBEAT_TTL_SECONDS = 30;

const keyOf = (prefix: string, worker: string) => `${prefix}:${WORKER_HEARTBEAT_PREFIX}${worker}`;

export async function writeHeartbeat(redis: Redis, prefix: string, beat: TWorkerHeartbeat): Promise<void> {
  await redis.set(keyOf(prefix, beat.worker), JSON.stringify(ZWorkerHeartbeat.parse(beat)), 'EX', HEARTBEAT_TTL_SECONDS);
}

export async function clearHeartbeat(redis: Redis, prefix: string, worker: string): Promise<void> {
  await redis.del(keyOf(prefix, worker));
}

/** Whether a grader's heartbeat is still there (it refreshes it every 10 s; it expires HEARTBEAT_TTL_SECONDS after the last). */
export async function isWorkerAlive(redis: Redis, prefix: string, worker: string): Promise<boolean> {
  return (await redis.exists(keyOf(prefix, worker))) === 1;
}

export interface TLiveWorkers {
  total: number;
  /** Graders that take jobs from the GPU queue. */
  gpu: number;
  workers: TWorkerHeartbeat[];
}

/** The live graders under a queue prefix, from their heartbeat keys (unreadable ones count, as general workers). */
export async function liveWorkers(redis: Redis, prefix: string): Promise<TLiveWorkers> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:${WORKER_HEARTBEAT_PREFIX}*`, 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const values = keys.length ? await redis.mget(...keys) : [];
  const workers = values.flatMap((v) => {
    if (v === null) return [];
    try {
      const r = ZWorkerHeartbeat.safeParse(JSON.parse(v));
      return r.success ? [r.data] : [];
    } catch {
      return [];
    }
  });
  const total = values.filter((v) => v !== null).length;
  return { total, gpu: workers.filter((w) => w.queues.includes('gpu')).length, workers };
}
