import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WORKER_HEARTBEAT_PREFIX } from '@epoch/contracts';
import { startTs, waitFor } from './helpers';

describe('grader walking skeleton (real process and Redis)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('selects its backend, joins the queue, advertises a heartbeat, and removes it on SIGTERM', async () => {
    const workerId = `${inject('redisPrefix')}-grader`;
    const grader = startTs('apps/grader/src/main.ts', {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      EPOCH_WORKER_ID: workerId,
      EPOCH_BACKEND: 'cpu',
      LOG_LEVEL: 'info',
    });
    const key = `bull:${WORKER_HEARTBEAT_PREFIX}${workerId}`;
    const raw = await waitFor(async () => (await redis.get(key)) ?? undefined, 60_000, `the grader's heartbeat\n${grader.output()}`);
    // Under the queue prefix (the default `bull`): its backend and the queues it serves (a cpu grader: the general one).
    expect(JSON.parse(raw)).toMatchObject({ worker: workerId, backend: 'cpu', queues: ['general'] });
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    expect(grader.output()).toMatch(/training backend selected/);
    // The heartbeat starts a moment before the grader logs that it joined the queues: wait for that line.
    await waitFor(
      async () => (/connected to the grading queue/.test(grader.output()) ? true : undefined),
      30_000,
      `the grader's "connected" line\n${grader.output()}`,
    );

    expect(await grader.stop()).toBe(0);
    expect(await redis.exists(key)).toBe(0);
  });

  it('exits 1 with a readable message on invalid configuration', async () => {
    const bad = startTs('apps/grader/src/main.ts', { DATABASE_URL: inject('databaseUrl'), REDIS_URL: 'http://nope', EPOCH_BACKEND: 'cpu' });
    const code = await new Promise<number | null>((r) => bad.child.once('exit', r));
    expect(code).toBe(1);
    expect(bad.output()).toMatch(/grader: invalid configuration[\s\S]*REDIS_URL/);
  });
});
