import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GRADING_QUEUES, ZGradingProgress, type TGradingJobPayload } from '@epoch/contracts';
import type { RunningProcess } from '../helpers';
import { freePort, waitFor } from '../helpers';
import {
  createExercise,
  createSubmission,
  decodePng,
  enqueue,
  setUpGraderEnv,
  SLOW_DENSE,
  source,
  startGrader,
  TINY_CNN,
  waitForStatus,
  type GraderEnv,
} from './grader-harness';

/** Weights so large that the activations overflow to Infinity and the loss becomes NaN at the first batch. */
const EXPLODING = 'tf.keras.layers.Dense(64, activation="relu", kernel_initializer=tf.keras.initializers.RandomNormal(stddev=1e30))';

const PLOTS = ['accuracy', 'loss', 'predictions', 'confusion-matrix', 'mistakes'];

describe('grading pipeline (real grader process, Postgres, Redis, tiny data)', () => {
  let g: GraderEnv;
  let grader: RunningProcess;
  let metricsPort: number;

  beforeAll(async () => {
    g = await setUpGraderEnv('grading');
    metricsPort = await freePort();
    grader = await startGrader(g, { EPOCH_GRADER_METRICS_PORT: String(metricsPort) });
  });
  afterAll(async () => {
    expect(await grader?.stop()).toBe(0);
    await g?.cleanup();
  });

  it('trains, evaluates and stores a passing submission with its history, plots and weights in one go', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0, seed: 7, batchSize: 32 });
    const id = await createSubmission(g, ex, source({ layers: TINY_CNN, epochs: 2 }));
    await enqueue(g, id);
    const s = await waitForStatus(g, id, 60_000, undefined, grader);
    expect(s.status).toBe('PASSED');
    expect(s.attemptCount).toBe(1);
    expect(s.startedAt).not.toBeNull();
    expect(s.finishedAt).not.toBeNull();
    expect(s.errorMessage).toBeNull();

    const r = await g.prisma.result.findUniqueOrThrow({ where: { submissionId: id } });
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.testAccuracy).toBeLessThanOrEqual(1);
    expect(r.testLoss).toBeGreaterThan(0);
    expect(r.seed).toBe(7);
    expect(r.backend).toBe('wasm');
    expect(r.backendVersions).toMatchObject({ 'tfjs-core': expect.any(String) });
    expect(r.perClassAccuracy).toHaveLength(10);
    const cm = r.confusionMatrix as number[][];
    expect(cm).toHaveLength(10);
    expect(cm.flat().reduce((a, b) => a + b, 0)).toBe(100);
    expect(r.attempt).toBe(1);
    expect(r.trainingMs).toBeGreaterThan(0);
    expect(r.queueWaitMs).toBeGreaterThanOrEqual(0);

    const metrics = await g.prisma.epochMetric.findMany({ where: { submissionId: id }, orderBy: { epoch: 'asc' } });
    expect(metrics.map((m) => [m.attempt, m.epoch])).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(metrics[0]!.valAccuracy).not.toBeNull();

    // The bytes are in the artifact store, addressed by their hash; Postgres keeps what they are and where.
    const rows = await g.prisma.artifact.findMany({ where: { submissionId: id } });
    const artifacts = await Promise.all(
      rows.map(async (a) => {
        expect(a.bytes, a.name).toBeNull();
        const bytes = await g.artifacts.get(a.storageKey);
        expect(bytes.length, a.name).toBe(a.size);
        expect(createHash('sha256').update(bytes).digest('hex'), a.name).toBe(a.sha256);
        return { ...a, bytes };
      }),
    );
    const byName = new Map(artifacts.map((a) => [a.name, a]));
    for (const p of [...PLOTS, 'feature-maps-00-conv2d']) {
      const png = byName.get(`${p}.png`);
      expect(png, `${p}.png`).toBeDefined();
      expect(png!.contentType).toBe('image/png');
      const { width, height } = decodePng(png!.bytes);
      expect(width).toBeGreaterThan(200);
      expect(height).toBeGreaterThan(200);
      // The curves' numbers are the epochs above (stored once); every other plot keeps its data as JSON.
      const data = byName.get(`${p}.json`);
      if (p === 'accuracy' || p === 'loss') expect(data, `${p}.json`).toBeUndefined();
      else expect(JSON.parse(Buffer.from(data!.bytes).toString('utf8'))).toBeTypeOf('object');
    }
    expect(byName.get('accuracy.png')!.kind).toBe('ACCURACY_PLOT');
    expect(byName.get('feature-maps-00-conv2d.png')!.kind).toBe('FEATURE_MAPS');
    const cmData = JSON.parse(Buffer.from(byName.get('confusion-matrix.json')!.bytes).toString('utf8')) as { matrix: number[][] };
    expect(cmData.matrix).toEqual(cm);
    const model = JSON.parse(Buffer.from(byName.get('model.json')!.bytes).toString('utf8')) as { weightsManifest: { paths: string[]; weights: unknown[] }[] };
    expect(model.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect(byName.get('weights.bin')!.bytes.length).toBeGreaterThan(1000);
  });

  it('fails a submission below the threshold, with the reason and its result', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0.99 });
    const id = await createSubmission(g, ex, source({ epochs: 1 }));
    await enqueue(g, id);
    const s = await waitForStatus(g, id, 60_000, undefined, grader);
    expect(s.status).toBe('FAILED');
    expect(s.infraError).toBe(false);
    expect(s.errorMessage).toMatch(/Test accuracy .*% is below the required 99\.0%/);
    expect(await g.prisma.result.count({ where: { submissionId: id } })).toBe(1);
    expect(await g.prisma.artifact.count({ where: { submissionId: id, contentType: 'image/png' } })).toBe(5);
  });

  it('reuses the result of an identical earlier submission when the policy allows it, labelled as reused', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0, reuseCachedResults: true });
    // A model no other test file trains: reuse finds any graded submission with the same spec hash, whichever course
    // it belongs to, and the test files share one database.
    const src = source({ layers: ['tf.keras.layers.Conv2D(5, (3, 3), activation="relu")', 'tf.keras.layers.MaxPooling2D((2, 2))'], epochs: 1 });
    const first = await createSubmission(g, ex, src);
    await enqueue(g, first);
    expect((await waitForStatus(g, first, 60_000, undefined, grader)).reusedFromId).toBeNull();
    const second = await createSubmission(g, ex, src);
    await enqueue(g, second);
    const s = await waitForStatus(g, second, 30_000, undefined, grader);
    expect(s.status).toBe('PASSED');
    expect(s.reusedFromId).toBe(first);
    const [a, b] = await Promise.all([first, second].map((id) => g.prisma.result.findUniqueOrThrow({ where: { submissionId: id } })));
    expect(b!.testAccuracy).toBe(a!.testAccuracy);
    expect(b!.trainingMs).toBe(0);
    expect(await g.prisma.artifact.count({ where: { submissionId: second } })).toBe(await g.prisma.artifact.count({ where: { submissionId: first } }));
    expect(await g.prisma.epochMetric.count({ where: { submissionId: second } })).toBe(1);
  });

  it('trains again, without reuse, under the default policy', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const src = source({ epochs: 1 });
    const ids = [await createSubmission(g, ex, src), await createSubmission(g, ex, src)];
    for (const id of ids) await enqueue(g, id);
    for (const id of ids) expect((await waitForStatus(g, id, 60_000, undefined, grader)).reusedFromId).toBeNull();
    expect((await g.prisma.result.findUniqueOrThrow({ where: { submissionId: ids[1]! } })).trainingMs).toBeGreaterThan(0);
  });

  it('ends a diverging model FAILED without retries (student-caused)', async () => {
    // The pure-JS cpu backend turns the overflow into NaN (wasm saturates it): a cpu grader on a queue of its own.
    const queue = new Queue<TGradingJobPayload>(GRADING_QUEUES.general, { connection: { url: inject('redisUrl') }, prefix: `${g.prefix}-cpu` });
    const cpu = await startGrader(g, {
      EPOCH_BACKEND: 'cpu',
      EPOCH_QUEUE_PREFIX: `${g.prefix}-cpu`,
      EPOCH_WORKER_ID: `${g.prefix}-cpu`,
      EPOCH_GRADER_RECONCILE_MS: '0',
    });
    try {
      const ex = await createExercise(g, { minTestAccuracy: 0 });
      const id = await createSubmission(g, ex, source({ layers: ['tf.keras.layers.Flatten()', EXPLODING, EXPLODING], epochs: 3 }));
      await enqueue({ ...g, queue }, id);
      const s = await waitForStatus(g, id, 40_000, undefined, cpu);
      expect(s.status).toBe('FAILED');
      expect(s.errorMessage).toMatch(/loss became (NaN|Infinity|-Infinity) at epoch 1/);
      expect(s.attemptCount).toBe(1);
      expect(s.infraError).toBe(false);
      // The row is written before BullMQ moves the job to failed: wait for the queue to catch up.
      const job = await waitFor(
        async () => {
          const j = await queue.getJob(id);
          return (await j?.getState()) === 'failed' ? j : undefined;
        },
        10_000,
        "the job in BullMQ's failed set",
      );
      expect(job.attemptsMade).toBe(1);
      expect(await g.prisma.result.count({ where: { submissionId: id } })).toBe(0);
    } finally {
      expect(await cpu.stop()).toBe(0);
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('rejects a model that no longer fits the current policy (too many parameters) without training or retries', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const id = await createSubmission(g, ex, source({ layers: SLOW_DENSE, epochs: 1 }));
    // The limit was lowered after the submission was checked.
    await g.prisma.gradingPolicy.update({ where: { exerciseId: ex.id }, data: { maxParams: 1000 } });
    await enqueue(g, id);
    const s = await waitForStatus(g, id, 30_000, undefined, grader);
    expect(s.status).toBe('REJECTED');
    expect(s.errorMessage).toMatch(/The model has 1,578,506 parameters; the limit is 1,000/);
    expect(s.attemptCount).toBe(1);
    expect(await g.prisma.epochMetric.count({ where: { submissionId: id } })).toBe(0);
    expect((await g.queue.getJob(id))?.attemptsMade).toBe(1);
  });

  it("rejects a model over the current policy's cost limits (checked again by the grader) before training", async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const id = await createSubmission(g, ex, source({ layers: SLOW_DENSE, epochs: 1 }));
    // The training work limit was lowered after the submission was checked.
    await g.prisma.gradingPolicy.update({ where: { exerciseId: ex.id }, data: { maxTrainingMacs: 1e6 } });
    await enqueue(g, id);
    const s = await waitForStatus(g, id, 30_000, undefined, grader);
    expect(s.status).toBe('REJECTED');
    expect(s.errorMessage).toMatch(/no longer fits this exercise's grading policy: Training this model is too much work: layer dense \(Dense \d+\)/);
    expect(await g.prisma.epochMetric.count({ where: { submissionId: id } })).toBe(0);
  });

  it('re-enqueues a QUEUED submission that never reached the queue (reconciler) and grades it', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const id = await createSubmission(g, ex, source({ epochs: 1 }));
    expect(await g.queue.getJob(id)).toBeUndefined();
    const s = await waitForStatus(g, id, 60_000, undefined, grader);
    expect(s.status).toBe('PASSED');
    expect(await g.prisma.result.count({ where: { submissionId: id } })).toBe(1);
    expect(grader.output()).toMatch(/reconciler repaired the grading queue/);
  });

  it('reports job progress while training and stops between batches when the submission is cancelled', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const id = await createSubmission(g, ex, source({ layers: SLOW_DENSE, epochs: 200 }));
    await enqueue(g, id);
    const progress = await waitFor(
      async () => {
        const p = ZGradingProgress.safeParse((await g.queue.getJob(id))?.progress);
        return p.success && p.data.phase === 'training' && p.data.batch > 0 ? p.data : undefined;
      },
      30_000,
      'training progress',
    );
    expect(progress).toMatchObject({ attempt: 1, epochs: 200 });
    await g.prisma.submission.update({ where: { id }, data: { status: 'CANCELLED' } });
    await waitFor(
      async () => (/training stopped: the submission was cancelled/.test(grader.output()) ? true : undefined),
      10_000,
      'the grader to stop training',
    );
    // The grader logs the stop, then records it (finishedAt): wait for the record instead of racing it.
    const s = await waitFor(
      async () => {
        const row = await g.prisma.submission.findUniqueOrThrow({ where: { id } });
        return row.finishedAt !== null ? row : undefined;
      },
      10_000,
      'the cancellation recorded',
    );
    expect(s.status).toBe('CANCELLED');
    expect(s.finishedAt).not.toBeNull();
    expect(await g.prisma.result.count({ where: { submissionId: id } })).toBe(0);
    expect(await g.prisma.epochMetric.count({ where: { submissionId: id } })).toBeLessThan(200);
  });

  it('stops training at the policy time limit and reports it', async () => {
    // 1000 epochs: minutes of training even on a fast machine, against the shortest limit a policy allows.
    const ex = await createExercise(g, { minTestAccuracy: 0, timeLimitSeconds: 10, maxEpochs: 1000 });
    const id = await createSubmission(g, ex, source({ layers: SLOW_DENSE, epochs: 1000 }));
    await enqueue(g, id);
    const s = await waitForStatus(g, id, 40_000, undefined, grader);
    expect(s.status).toBe('FAILED');
    expect(s.errorMessage).toMatch(/exceeded this exercise's time limit of 10 s/);
    expect(s.finishedAt!.getTime() - s.startedAt!.getTime()).toBeLessThan(20_000);
    expect(await g.prisma.result.count({ where: { submissionId: id } })).toBe(0);
  });

  it('feeds its Prometheus metrics: job durations by outcome, failures by kind, throughput and queue depth', async () => {
    const body = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(body).toMatch(/epoch_grader_job_duration_seconds_count\{[^}]*outcome="passed"[^}]*backend="wasm"[^}]*\} [1-9]/);
    expect(body).toMatch(/epoch_grader_job_failures_total\{[^}]*kind="student"[^}]*\} [1-9]/);
    expect(body).toMatch(/epoch_grader_images_per_second\{[^}]*backend="wasm"[^}]*\} \d/);
    expect(body).toMatch(/epoch_grader_queue_depth\{[^}]*state="wait"[^}]*\} \d/);
  });
});
