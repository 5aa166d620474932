import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openGradingQueues, queueEstimate, queuePosition, reconcileQueue, redecideExercise, closeGradingQueues } from '@epoch/grading';
import { GRADE_JOB_NAME, GRADING_QUEUES, type TGradingJobPayload } from '@epoch/contracts';
import { waitFor } from '../helpers';
import { createExercise, createSubmission, enqueue, setUpGraderEnv, source, type GraderEnv } from './grader-harness';

/** No grader runs in this file: the queue keeps its jobs, and results are written as a grader would have. */
describe('regrading from stored results, queue position and the reconciler (no worker)', () => {
  let g: GraderEnv;
  let redis: Redis;
  beforeAll(async () => {
    g = await setUpGraderEnv('regrade', { data: false });
    redis = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    await redis.quit();
    await g?.cleanup();
  });

  async function graded(ex: Awaited<ReturnType<typeof createExercise>>, testAccuracy: number) {
    const id = await createSubmission(g, ex, source({ epochs: 1 }));
    await g.prisma.submission.update({
      where: { id },
      data: { status: testAccuracy >= ex.policy.minTestAccuracy ? 'PASSED' : 'FAILED', finishedAt: new Date() },
    });
    await g.prisma.result.create({
      data: {
        submissionId: id,
        testAccuracy,
        testLoss: 1,
        perClassAccuracy: [],
        confusionMatrix: [],
        attempt: 1,
        backend: 'wasm',
        backendVersions: {},
        seed: 42,
        queueWaitMs: 0,
        trainingMs: 1,
        evaluationMs: 1,
      },
    });
    return id;
  }

  it('re-decides PASSED/FAILED from the stored test accuracy when the threshold changes, with an audit entry', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0.3 });
    const [low, mid, high] = [await graded(ex, 0.2), await graded(ex, 0.5), await graded(ex, 0.8)];
    const queued = await createSubmission(g, ex, source({ epochs: 1 }));
    const status = async () => Promise.all([low, mid, high, queued].map(async (id) => (await g.prisma.submission.findUniqueOrThrow({ where: { id } })).status));
    expect(await status()).toEqual(['FAILED', 'PASSED', 'PASSED', 'QUEUED']);

    await g.prisma.gradingPolicy.update({ where: { exerciseId: ex.id }, data: { minTestAccuracy: 0.6, version: 2 } });
    const up = await redecideExercise(g.prisma, ex.id, g.userId);
    expect(up).toMatchObject({ minTestAccuracy: 0.6, policyVersion: 2, toFailed: [mid], toPassed: [] });
    expect(await status()).toEqual(['FAILED', 'FAILED', 'PASSED', 'QUEUED']);
    expect((await g.prisma.submission.findUniqueOrThrow({ where: { id: mid } })).errorMessage).toMatch(/50\.0% is below the required 60\.0% \(re-decided/);

    await g.prisma.gradingPolicy.update({ where: { exerciseId: ex.id }, data: { minTestAccuracy: 0.1, version: 3 } });
    const down = await redecideExercise(g.prisma, ex.id, null);
    expect(new Set(down.toPassed)).toEqual(new Set([low, mid]));
    expect(await status()).toEqual(['PASSED', 'PASSED', 'PASSED', 'QUEUED']);
    expect(await g.prisma.result.count({ where: { submissionId: { in: [low, mid, high] } } })).toBe(3);

    const audit = await g.prisma.auditLog.findMany({ where: { entityId: ex.id, action: 'submission.redecide' }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => [a.actorId, (a.data as { minTestAccuracy: number }).minTestAccuracy])).toEqual([
      [g.userId, 0.6],
      [null, 0.1],
    ]);
  });

  it('gives queued jobs their position in line and an ETA, and nothing for unknown jobs', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const id = await createSubmission(g, ex, source({ epochs: 1 }));
      await enqueue(g, id);
      ids.push(id);
    }
    expect(await Promise.all(ids.map((id) => queuePosition(g.queue, redis, id)))).toEqual([1, 2, 3]);
    expect(await queuePosition(g.queue, redis, 'no-such-job')).toBeNull();
    const est = await queueEstimate(g.queue, redis, g.prefix, ids[2]!, 30);
    expect(est.position).toBe(3);
    expect(est.etaSeconds).toBeGreaterThan(0);
    expect(est.etaSeconds! % 30).toBe(0);
  });

  it('re-enqueues QUEUED submissions missing from the queue once, however often it runs', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const lost = await createSubmission(g, ex, source({ epochs: 1 }));
    const fresh = await createSubmission(g, ex, source({ epochs: 1 }));
    await g.prisma.submission.update({ where: { id: lost }, data: { queuedAt: new Date(Date.now() - 60_000) } });
    const first = await reconcileQueue(g.prisma, g.queues, { graceMs: 30_000 });
    expect(first.enqueued).toContain(lost);
    expect(first.enqueued).not.toContain(fresh);
    const job = await g.queue.getJob(lost);
    expect(job?.data).toEqual({ submissionId: lost });
    expect(job?.opts.attempts).toBe(3);
    const again = await reconcileQueue(g.prisma, g.queues, { graceMs: 30_000 });
    expect(again.enqueued).not.toContain(lost);
    expect((await g.queue.getJobs(['wait'])).filter((j) => j.id === lost)).toHaveLength(1);
  });

  it('ends a pending submission ERROR when BullMQ gave up on its job, and re-enqueues a RUNNING one whose job is gone', async () => {
    const connection = { url: inject('redisUrl') };
    const prefix = `${g.prefix}-dead`;
    const queues = openGradingQueues(connection, prefix);
    const queue = queues.general;
    try {
      const ex = await createExercise(g, { minTestAccuracy: 0 });
      const dead = await createSubmission(g, ex, source({ epochs: 1 }));
      const orphan = await createSubmission(g, ex, source({ epochs: 1 }));
      await g.prisma.submission.updateMany({ where: { id: { in: [dead, orphan] } }, data: { status: 'RUNNING', startedAt: new Date(Date.now() - 60_000) } });
      await queue.add(GRADE_JOB_NAME, { submissionId: dead }, { jobId: dead, attempts: 1 });
      // Stands in for BullMQ failing a job whose workers kept dying (its stalled-job limit).
      const worker = new Worker<TGradingJobPayload>(GRADING_QUEUES.general, () => Promise.reject(new Error('job stalled more than allowable limit')), {
        connection,
        prefix,
      });
      await waitFor(async () => ((await (await queue.getJob(dead))?.getState()) === 'failed' ? true : undefined), 10_000, 'the job to fail');
      await worker.close();

      const r = await reconcileQueue(g.prisma, queues, { graceMs: 30_000 });
      expect(r.errored).toContain(dead);
      expect(r.enqueued).toContain(orphan);
      const d = await g.prisma.submission.findUniqueOrThrow({ where: { id: dead } });
      expect([d.status, d.infraError]).toEqual(['ERROR', true]);
      expect(d.errorMessage).toMatch(/not your fault \(the grading job failed: job stalled more than allowable limit\)/);
      expect(await (await queue.getJob(orphan))?.getState()).toBe('waiting');
    } finally {
      await queue.obliterate({ force: true });
      await closeGradingQueues(queues);
    }
  });
});
