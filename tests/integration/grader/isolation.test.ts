import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, type RunningProcess } from '../helpers';
import {
  createExercise,
  createSubmission,
  enqueue,
  setUpGraderEnv,
  SLOW_DENSE,
  source,
  startGrader,
  TINY_CNN,
  waitForStatus,
  type GraderEnv,
} from './grader-harness';

/**
 * The kind of model that wedged a grader in issue 14 (few parameters, a huge padded activation). The issue's own
 * ZeroPadding2D(100000) is now refused before training by the cost limits (model-spec's rules check, at submission and
 * again in the grader); this one needs ~8 GiB of activations per batch, which an exercise whose admin raised the
 * activation limit accepts, so the training child's own memory limit is what must stop it.
 */
const WEDGE = ['tf.keras.layers.ZeroPadding2D(1000)', 'tf.keras.layers.Conv2D(8, 3)', 'tf.keras.layers.GlobalAveragePooling2D()'];
/** Cost limits raised as far as a policy allows, so that only the grader's runtime limits stand in the way. */
const NO_COST_LIMITS = { maxTrainingMacs: 1e18, maxActivationMiB: 1024 * 1024, maxParamMiB: 1024 * 1024 };
/** One batch of this takes minutes on the wasm backend (about 400 G multiply-adds), far longer than the queue lock. */
const HUGE_CONV = Array.from({ length: 4 }, () => 'tf.keras.layers.Conv2D(64, (31, 31), padding="same")');

/** The pid of the training child a grader started for a submission (from its log). */
function childOf(p: RunningProcess, submissionId: string): number | undefined {
  for (const line of p.output().split('\n')) {
    if (!line.includes('training in a child process') || !line.includes(submissionId)) continue;
    const m = /"child":(\d+)/.exec(line);
    if (m) return Number(m[1]);
  }
  return undefined;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Timeouts: each grader starts a training child (seconds on a busy 2-core machine) before it takes jobs.
describe('each training run in its own child process (real graders, Postgres, Redis)', () => {
  let g: GraderEnv;
  const running: RunningProcess[] = [];
  /** BullMQ's attempts of a job once it is finished there (the grader writes the database first, then ends the job). */
  const attemptsOf = async (id: string) =>
    (await waitFor(async () => ((await g.queue.getJob(id))?.finishedOn ? g.queue.getJob(id) : undefined), 30_000, `job ${id} finished in BullMQ`))
      ?.attemptsMade;
  let started = 0;
  const start = async (env: Record<string, string> = {}) => {
    const p = await startGrader(g, { EPOCH_WORKER_ID: `${g.prefix}-w${started++}`, ...env });
    running.push(p);
    return p;
  };

  beforeAll(async () => {
    g = await setUpGraderEnv('isolation');
  });
  // A test that failed half-way must not leave its graders taking the next test's jobs.
  afterEach(() => {
    for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  });
  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await g?.cleanup();
  });

  it("ends a ZeroPadding2D model over the memory limit FAILED with the figure (the student's), and the next two jobs grade normally", async () => {
    const grader = await start({ EPOCH_GRADER_MEMORY_MB: '1024' });
    const ex = await createExercise(g, { minTestAccuracy: 0, ...NO_COST_LIMITS });
    const wedge = await createSubmission(g, ex, source({ layers: WEDGE, epochs: 1 }));
    const next = [await createSubmission(g, ex, source({ layers: TINY_CNN, epochs: 1 })), await createSubmission(g, ex, source({ epochs: 1 }))];
    for (const id of [wedge, ...next]) await enqueue(g, id);

    const w = await waitForStatus(g, wedge, 120_000, undefined, grader);
    expect(w.status).toBe('FAILED');
    expect(w.infraError).toBe(false);
    expect(w.attemptCount).toBe(1);
    expect(w.errorMessage).toMatch(/^The model needed more than 1 GiB of memory, the grader's limit for training one model\./);
    expect(await attemptsOf(wedge)).toBe(1);
    for (const id of next) {
      const s = await waitForStatus(g, id, 120_000, undefined, grader);
      expect(s.status, s.errorMessage ?? '').toBe('PASSED');
      expect(s.attemptCount).toBe(1);
    }
    // Each job had a process of its own, and the wedged one is gone.
    const pids = [wedge, ...next].map((id) => childOf(grader, id));
    expect(new Set(pids).size).toBe(3);
    expect(alive(pids[0]!)).toBe(false);
    expect(await grader.stop()).toBe(0);
  }, 180_000);

  it('kills a batch far longer than the queue lock at the time limit, charged to the student, never trained twice', async () => {
    // Two graders on the queue, a 4 s lock: the first grader's event loop keeps the lock while its child computes.
    const a = await start();
    const b = await start();
    const ex = await createExercise(g, { minTestAccuracy: 0, timeLimitSeconds: 10, ...NO_COST_LIMITS });
    const id = await createSubmission(g, ex, source({ layers: HUGE_CONV, epochs: 1 }));
    await enqueue(g, id);
    const s = await waitForStatus(g, id, 60_000, undefined, a);
    expect(s.status).toBe('FAILED');
    expect(s.infraError).toBe(false);
    expect(s.errorMessage).toBe(
      "Training was stopped before its first batch of training ended: it exceeded this exercise's time limit of 10 s. Use a smaller model or fewer epochs.",
    );
    expect(s.attemptCount).toBe(1);
    // Killed at the limit, not after the batch (which would take minutes).
    expect(s.finishedAt!.getTime() - s.startedAt!.getTime()).toBeLessThan(14_000);
    const trainedBy = [a, b].filter((p) => childOf(p, id) !== undefined);
    expect(trainedBy).toHaveLength(1);
    expect(alive(childOf(trainedBy[0]!, id)!)).toBe(false);
    expect(await attemptsOf(id)).toBe(1);
    for (const p of [a, b]) expect(p.output()).not.toMatch(/could not renew lock|lock was lost/);
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  }, 180_000);

  it('retries a crash of the training process as infrastructure and never charges it to the student', async () => {
    const grader = await start();
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const id = await createSubmission(g, ex, source({ layers: SLOW_DENSE, epochs: 20 }));
    await enqueue(g, id);
    await waitFor(async () => (await g.prisma.epochMetric.findFirst({ where: { submissionId: id, attempt: 1 } })) ?? undefined, 60_000, 'epoch 1');
    const pid = childOf(grader, id)!;
    // The engine dies the way a native crash does; the grader itself is untouched.
    process.kill(pid, 'SIGSEGV');
    const s = await waitForStatus(g, id, 120_000, undefined, grader);
    expect(s.status).toBe('PASSED');
    expect(s.attemptCount).toBe(2);
    expect(s.infraError).toBe(false);
    expect(await g.prisma.result.count({ where: { submissionId: id } })).toBe(1);
    expect((await g.prisma.result.findUniqueOrThrow({ where: { submissionId: id } })).attempt).toBe(2);
    expect(grader.output()).toMatch(/the training process crashed \(SIGSEGV\)/);
    expect(grader.output()).toMatch(/BullMQ retries it/);
    expect(grader.child.exitCode).toBeNull();
    expect(await grader.stop()).toBe(0);
  }, 180_000);
});
