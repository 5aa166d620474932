import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enqueueGrading, findGradingJob, reconcileQueue, writeHeartbeat } from '@epoch/grading';
import { startTs, type RunningProcess } from '../helpers';
import { createExercise, createSubmission, setUpGraderEnv, source, startGrader, TINY_CNN, waitForStatus, type GraderEnv } from './grader-harness';

/**
 * The GPU queue: graders serving it take its jobs (here a wasm grader told to serve both queues stands in for a GPU
 * machine), the reconciler routes heavy jobs there only while such a grader is alive, and moves jobs left waiting
 * there to the general queue when none is.
 */
describe('GPU queue routing (real grader process, Postgres, Redis, tiny data)', () => {
  let g: GraderEnv;
  let redis: Redis;
  beforeAll(async () => {
    g = await setUpGraderEnv('gpuq');
    redis = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    await redis.quit();
    await g?.cleanup();
  });

  const backdate = (id: string) => g.prisma.submission.update({ where: { id }, data: { queuedAt: new Date(Date.now() - 60_000) } });

  it('moves a job waiting in the GPU queue to the general queue when no GPU grader is alive', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const id = await createSubmission(g, ex, source({ epochs: 1 }));
    await backdate(id);
    await enqueueGrading(g.queues, id, 'gpu', 1);
    const r = await reconcileQueue(g.prisma, g.queues, { graceMs: 30_000, heartbeats: { redis, prefix: g.prefix } });
    expect(r.movedToGeneral).toEqual([id]);
    const found = await findGradingJob(g.queues, id);
    expect(found?.kind).toBe('general');
    // Same place in the order (its priority), in the other queue.
    expect(await found?.job.getState()).toBe('prioritized');
    expect(found?.job.priority).toBe(1);
    await g.queues.general.remove(id);
    await g.prisma.submission.update({ where: { id }, data: { status: 'CANCELLED' } });
  });

  it('re-enqueues a lost heavy job on the GPU queue while a GPU grader is alive, a light one on the general queue', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const heavy = await createSubmission(g, ex, source({ epochs: 1 }));
    const light = await createSubmission(g, ex, source({ epochs: 1 }));
    await g.prisma.submission.update({ where: { id: heavy }, data: { workMacs: 1e13 } });
    await g.prisma.submission.update({ where: { id: light }, data: { workMacs: 1e9 } });
    for (const id of [heavy, light]) await backdate(id);
    await writeHeartbeat(redis, g.prefix, { worker: 'a-gpu-box', backend: 'node-gpu', threads: 1, queues: ['gpu', 'general'], since: Date.now() });
    try {
      const r = await reconcileQueue(g.prisma, g.queues, { graceMs: 30_000, heartbeats: { redis, prefix: g.prefix }, gpuMinWorkMacs: 5e12 });
      expect(r.enqueued.sort()).toEqual([heavy, light].sort());
      expect((await findGradingJob(g.queues, heavy))?.kind).toBe('gpu');
      expect((await findGradingJob(g.queues, light))?.kind).toBe('general');
      // While the GPU grader lives, nothing is moved back.
      expect((await reconcileQueue(g.prisma, g.queues, { graceMs: 30_000, heartbeats: { redis, prefix: g.prefix } })).movedToGeneral).toEqual([]);
    } finally {
      await redis.del(`${g.prefix}:epoch:worker:a-gpu-box`);
      for (const id of [heavy, light]) {
        await g.queues.gpu.remove(id);
        await g.queues.general.remove(id);
        await g.prisma.submission.update({ where: { id }, data: { status: 'CANCELLED' } });
      }
    }
  });

  it('a grader serving both queues advertises them and grades jobs from each, one at a time', async () => {
    let grader: RunningProcess | undefined;
    try {
      const ex = await createExercise(g, { minTestAccuracy: 0, batchSize: 32 });
      const onGpu = await createSubmission(g, ex, source({ layers: TINY_CNN, epochs: 1 }));
      const onGeneral = await createSubmission(g, ex, source({ layers: TINY_CNN, epochs: 1 }));
      // Both jobs wait before the grader starts, so its two workers fetch one each at once (pausing the other queue
      // comes too late for that): they must still be graded one after the other.
      await enqueueGrading(g.queues, onGpu, 'gpu', 1);
      await enqueueGrading(g.queues, onGeneral, 'general', 1);
      grader = await startGrader(g, { EPOCH_GRADER_QUEUES: 'gpu,general', EPOCH_GRADER_RECONCILE_MS: '0' });
      const beat = JSON.parse((await redis.get(`${g.prefix}:epoch:worker:${g.env['EPOCH_WORKER_ID']}`)) ?? '{}') as { queues?: string[] };
      expect(beat.queues).toEqual(['gpu', 'general']);
      const a = await waitForStatus(g, onGpu, 90_000, undefined, grader);
      const b = await waitForStatus(g, onGeneral, 90_000, undefined, grader);
      expect([a.status, b.status]).toEqual(['PASSED', 'PASSED']);
      // One at a time: the two training runs do not overlap.
      const [first, second] = [a, b].sort((x, y) => x.startedAt!.getTime() - y.startedAt!.getTime());
      expect(second!.startedAt!.getTime()).toBeGreaterThanOrEqual(first!.finishedAt!.getTime() - 50);
    } finally {
      expect(await grader?.stop()).toBe(0);
    }
  });

  it('refuses an unknown queue name with a readable message', async () => {
    const bad = startTs('apps/grader/src/main.ts', { ...g.env, EPOCH_GRADER_QUEUES: 'gpu,tpu' });
    expect(await new Promise<number | null>((r) => bad.child.once('exit', r))).toBe(1);
    expect(bad.output()).toMatch(/invalid configuration[\s\S]*EPOCH_GRADER_QUEUES/);
  });
});
