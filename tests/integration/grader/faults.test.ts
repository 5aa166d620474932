import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GRADING_QUEUES, type TGradingJobPayload } from '@epoch/contracts';
import { waitFor, type RunningProcess } from '../helpers';
import { createExercise, createSubmission, enqueue, setUpGraderEnv, SLOW_DENSE, source, startGrader, waitForStatus, type GraderEnv } from './grader-harness';

/** Long enough (several seconds on wasm) to interrupt a worker in the middle of training. */
const EPOCHS = 30;

const exited = (p: RunningProcess) =>
  new Promise<number | null>((r) => (p.child.exitCode !== null ? r(p.child.exitCode) : p.child.once('exit', (code) => r(code))));

describe('grader faults (real grader processes)', () => {
  let g: GraderEnv;
  const running: RunningProcess[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const p = await startGrader(g, { EPOCH_WORKER_ID: `${g.prefix}-w${running.length}`, ...env });
    running.push(p);
    return p;
  };
  let exerciseId: { id: string; policy: Parameters<typeof createSubmission>[1]['policy'] };
  let id: string;

  beforeAll(async () => {
    g = await setUpGraderEnv('faults');
    exerciseId = await createExercise(g, { minTestAccuracy: 0 });
  });
  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await g?.cleanup();
  });

  const epochRow = (attempt: number) =>
    waitFor(
      async () => (await g.prisma.epochMetric.findFirst({ where: { submissionId: id, attempt } })) ?? undefined,
      30_000,
      `an epoch of attempt ${attempt}`,
    );

  it('on SIGTERM stops taking jobs, hands the running job back to the queue and exits 0', async () => {
    id = await createSubmission(g, exerciseId, source({ layers: SLOW_DENSE, epochs: EPOCHS }));
    const a = await start();
    await enqueue(g, id);
    await epochRow(1);
    a.child.kill('SIGTERM');
    expect(await exited(a)).toBe(0);
    expect(a.output()).toMatch(/job handed back to the queue/);
    const s = await g.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(s.status).toBe('QUEUED');
    expect(s.attemptCount).toBe(1);
    // Back in the queue, waiting to be taken: BullMQ calls a job with a fair-queue priority (queue-order.ts) "prioritized".
    expect(['waiting', 'prioritized']).toContain(await (await g.queue.getJob(id))?.getState());
  });

  it('after a SIGKILL mid-training, another worker takes the stalled job over: exactly one result, retries in the history', async () => {
    const b = await start();
    await epochRow(2);
    b.child.kill('SIGKILL');
    await exited(b);
    expect((await g.prisma.submission.findUniqueOrThrow({ where: { id } })).status).toBe('RUNNING');
    const c = await start();
    const s = await waitForStatus(g, id, 90_000, undefined, c);
    expect(s.status).toBe('PASSED');
    expect(s.attemptCount).toBe(3);
    expect(await g.prisma.result.count({ where: { submissionId: id } })).toBe(1);
    const r = await g.prisma.result.findUniqueOrThrow({ where: { submissionId: id } });
    expect(r.attempt).toBe(3);
    const attempts = await g.prisma.epochMetric.groupBy({ by: ['attempt'], where: { submissionId: id }, _count: true, orderBy: { attempt: 'asc' } });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[2]!._count).toBe(EPOCHS);
    expect(await g.prisma.artifact.count({ where: { submissionId: id, name: 'accuracy.png' } })).toBe(1);
    expect(await c.stop()).toBe(0);
  });

  it("retries an infrastructure failure with backoff, then ends ERROR as not the student's fault (no quota used)", async () => {
    // A separate queue and a grader whose data source is missing: every attempt fails while loading the data.
    const emptyDir = mkdtempSync(join(tmpdir(), 'epoch-grader-nodata-'));
    const prefix = `${g.prefix}-infra`;
    const queue = new Queue<TGradingJobPayload>(GRADING_QUEUES.general, { connection: { url: inject('redisUrl') }, prefix });
    try {
      const broken = await start({
        EPOCH_QUEUE_PREFIX: prefix,
        EPOCH_CIFAR10: join(emptyDir, 'missing'),
        EPOCH_DATA_DIR: emptyDir,
        EPOCH_GRADER_RECONCILE_MS: '0',
      });
      const sid = await createSubmission(g, exerciseId, source({ epochs: 1 }));
      await enqueue({ ...g, queue }, sid, 300);
      const s = await waitForStatus(g, sid, 30_000, undefined, broken);
      expect(s.status).toBe('ERROR');
      expect(s.infraError).toBe(true);
      expect(s.attemptCount).toBe(3);
      expect(s.errorMessage).toMatch(/not your fault/);
      expect(s.errorMessage).toMatch(/does not count against your quota/);
      // The grader stores the end in Postgres first, then BullMQ moves the job to failed: wait for that move.
      await waitFor(async () => ((await (await queue.getJob(sid))?.getState()) === 'failed' ? true : undefined), 30_000, 'the job to be failed');
      const job = await queue.getJob(sid);
      expect(job?.attemptsMade).toBe(3);
      expect(broken.output().match(/BullMQ retries it/g)).toHaveLength(2);
      expect(await g.prisma.result.count({ where: { submissionId: sid } })).toBe(0);
      expect(await broken.stop()).toBe(0);
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});
