import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyFromRow } from '@epoch/db';
import { checkSource } from '@epoch/model-spec';
import { extraSeedJobId, modelRulesFromPolicy, ZHeldOutPart, ZSeedRun } from '@epoch/contracts';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { inject } from 'vitest';
import {
  calibrationView,
  EXTRA_SEED_PRIORITY,
  findWithResult,
  placeRun,
  redecide,
  resultHidden,
  resultView,
  scheduleOf,
  specHashOf,
  startCalibration,
  submissionSeed,
} from '@epoch/grading';
import { waitFor, type RunningProcess } from '../helpers';
import {
  createExercise,
  createSubmission,
  enqueue,
  gradingDeps,
  setUpGraderEnv,
  SLOW_DENSE,
  source,
  startGrader,
  TINY_CNN,
  waitForStatus,
  type GraderEnv,
} from './grader-harness';

/**
 * Issue 19, items 1 and 2, with a real grader process on tiny data: the seed policies (per student, best of k) and the
 * held-out test split (the verdict on the private part, which students do not see before the deadline).
 */
describe('seed policy and held-out split (real grader, Postgres, Redis, tiny data)', { timeout: 900_000 }, () => {
  let g: GraderEnv;
  let grader: RunningProcess;
  const src = source({ layers: TINY_CNN, epochs: 2 });

  beforeAll(async () => {
    g = await setUpGraderEnv('seeds');
    grader = await startGrader(g);
  }, 180_000);
  afterAll(async () => {
    expect(await grader?.stop()).toBe(0);
    await g?.cleanup();
  });

  const graded = async (id: string) => {
    const s = await waitForStatus(g, id, 180_000, undefined, grader);
    const r = await g.prisma.result.findUniqueOrThrow({ where: { submissionId: id } });
    return { s, r, runs: ZSeedRun.array().parse(r.seedRuns) };
  };
  const user = async (name: string) =>
    (await g.prisma.user.create({ data: { email: `${name}-${Date.now()}-${Math.random()}@test.epoch`, name, passwordHash: 'x' } })).id;
  /** A submission as submit() makes it: the seed of the seed policy and the reuse key that includes it. */
  const submitAs = async (ex: Awaited<ReturnType<typeof createExercise>>, userId: string) => {
    const row = await g.prisma.gradingPolicy.findUniqueOrThrow({ where: { exerciseId: ex.id } });
    const seed = submissionSeed(ex.policy, ex.id, userId);
    const hash = checkSource(src, { rules: modelRulesFromPolicy(ex.policy) }).hash!;
    const id = await createSubmission(g, ex, src, { userId, seed, specHash: specHashOf(hash, row, seed) });
    await enqueue(g, id);
    return { id, seed };
  };

  it("per student: each student trains with their own seed, recorded on the result, and never reuses another student's result", async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0, seed: 5, batchSize: 32, seedPolicy: 'PER_STUDENT', reuseCachedResults: true });
    const [alice, bob] = [await user('alice'), await user('bob')];
    const a = await submitAs(ex, alice);
    const ra = await graded(a.id);
    const b = await submitAs(ex, bob);
    const rb = await graded(b.id);
    expect(a.seed).not.toBe(b.seed);
    expect([ra.r.seed, rb.r.seed]).toEqual([a.seed, b.seed]);
    expect(ra.runs).toEqual([{ seed: a.seed, testAccuracy: ra.r.testAccuracy, trainingSeconds: expect.any(Number) }]);
    expect(rb.runs).toEqual([{ seed: b.seed, testAccuracy: rb.r.testAccuracy, trainingSeconds: expect.any(Number) }]);
    expect(rb.s.reusedFromId).toBeNull();
    // The same student again, the same code: their own earlier result is reused (same seed, same key).
    const again = await submitAs(ex, alice);
    const rAgain = await graded(again.id);
    expect(rAgain.s.reusedFromId).toBe(a.id);
    expect(rAgain.r.seed).toBe(a.seed);
  });

  it('best of k: decided on the first seed, then each next seed is its own job after waiting graded and practice runs; the verdict is over all of them', async () => {
    // What the first seed reaches, measured with a fixed seed (training is seeded: the same run gives the same number).
    const probe = await createExercise(g, { minTestAccuracy: 0, seed: 11, batchSize: 32 });
    const p = await createSubmission(g, probe, src);
    await enqueue(g, p);
    const first = (await graded(p)).r.testAccuracy;
    expect(first).toBeLessThan(0.99);

    const mark = Math.min(1, first + 0.005);
    const ex = await createExercise(g, { minTestAccuracy: mark, seed: 11, batchSize: 32, seedPolicy: 'BEST_OF_K', bestOfSeeds: 3, bestOfMargin: 0.2 });
    const order = { prisma: g.prisma, queues: g.queues, log: pino({ level: 'silent' }) };
    const id = await createSubmission(g, ex, src, { seed: 11 });
    await placeRun(order, id, 'general');
    // Another student's graded run (long enough to watch the pending seed) and practice run wait behind it.
    const other = await user('other');
    const slow = await createExercise(g, { minTestAccuracy: 0, seed: 4, batchSize: 32 });
    const gradedRun = await createSubmission(g, slow, source({ layers: SLOW_DENSE, epochs: 3 }), { userId: other });
    const practiceRun = await createSubmission(g, slow, src, { userId: other, kind: 'PRACTICE' });
    for (const x of [gradedRun, practiceRun]) await placeRun(order, x, 'general');

    // The first seed's result is stored decided, the next seed pending as a low-priority job.
    const pending = await waitFor(
      async () => {
        const r = await g.prisma.result.findUnique({ where: { submissionId: id } });
        return r?.pendingSeed === 12 ? r : undefined;
      },
      180_000,
      `the first seed's result\n${grader.output().slice(-3000)}`,
    );
    expect(ZSeedRun.array().parse(pending.seedRuns)).toEqual([{ seed: 11, testAccuracy: first, trainingSeconds: expect.any(Number) }]);
    expect((await g.prisma.submission.findUniqueOrThrow({ where: { id } })).status).toBe('FAILED');
    const job = await g.queues.general.getJob(extraSeedJobId(id, { attempt: 1, seed: 12 }));
    expect(job?.priority).toBe(EXTRA_SEED_PRIORITY);
    const owner = (await findWithResult(g.prisma, id, g.userId))!;
    expect(await resultView(g.prisma, owner, false)).toMatchObject({ status: 'FAILED', pendingSeed: 12 });

    // The series ends: every seed recorded, the verdict over all of them.
    const done = await waitFor(
      async () => {
        const r = await g.prisma.result.findUnique({ where: { submissionId: id } });
        return r && r.pendingSeed === null ? r : undefined;
      },
      300_000,
      `the seed series to end\n${grader.output().slice(-3000)}`,
    );
    const runs = ZSeedRun.array().parse(done.seedRuns);
    const s = await g.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(runs[0]).toEqual({ seed: 11, testAccuracy: first, trainingSeconds: expect.any(Number) });
    for (const x of runs) expect(x.trainingSeconds).toBeGreaterThanOrEqual(0);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.map((x) => x.seed)).toEqual([11, 12, 13].slice(0, runs.length));
    const anyPasses = runs.some((x) => x.testAccuracy >= mark);
    expect(s.status).toBe(anyPasses ? 'PASSED' : 'FAILED');
    // It stops at the first passing seed, or after k runs.
    expect(runs.length).toBe(anyPasses ? runs.findIndex((x) => x.testAccuracy >= mark) + 1 : 3);
    if (!anyPasses) expect(s.errorMessage).toContain('the best of 3 seeds: 11, 12, 13');
    // The history shown is the first seed's only.
    expect(await g.prisma.epochMetric.count({ where: { submissionId: id } })).toBe(2);
    expect(done.seed).toBe(11);
    // The grader took the waiting graded and practice runs before the extra seeds (one job at a time).
    const log = grader.output();
    const firstExtra = log.indexOf('best-of-k: training with another seed');
    expect(firstExtra).toBeGreaterThan(0);
    for (const x of [gradedRun, practiceRun]) {
      const at = log.search(new RegExp(`"submissionId":"${x}"[^\n]*"msg":"graded"`));
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThan(firstExtra);
    }

    // A far-off result is not retrained.
    const far = await createExercise(g, { minTestAccuracy: 1, seed: 11, batchSize: 32, seedPolicy: 'BEST_OF_K', bestOfSeeds: 3, bestOfMargin: 0 });
    const farId = await createSubmission(g, far, src, { seed: 11 });
    await enqueue(g, farId);
    const farDone = await graded(farId);
    expect(farDone.runs).toHaveLength(1);
    expect(farDone.r.pendingSeed).toBeNull();
  });

  it('held-out split: decided on the private part, which the student sees only after the deadline; staff always see both', async () => {
    const deadline = new Date(Date.now() + 24 * 3600_000).toISOString();
    const ex = await createExercise(g, { minTestAccuracy: 0, seed: 3, batchSize: 32, heldOutShare: 0.5, deadline });
    const id = await createSubmission(g, ex, src, { seed: 3 });
    await enqueue(g, id);
    const { r, runs } = await graded(id);
    const held = ZHeldOutPart.parse(r.heldOut);
    expect(held.split).toEqual({ seed: 3, share: 0.5, publicImages: 50, privateImages: 50 });
    // Both parts in one pass: 5 images of each class in each part (stratified), public numbers on the result itself.
    expect(held.confusionMatrix.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(new Array(10).fill(5));
    expect((r.confusionMatrix as number[][]).map((row) => row.reduce((a, b) => a + b, 0))).toEqual(new Array(10).fill(5));
    expect(runs).toEqual([{ seed: 3, testAccuracy: held.testAccuracy, trainingSeconds: expect.any(Number) }]);

    // The verdict follows the private part: a pass mark between the two parts' accuracies decides by the private one.
    expect(held.testAccuracy).not.toBe(r.testAccuracy);
    const mark = (held.testAccuracy + r.testAccuracy) / 2;
    await g.prisma.gradingPolicy.update({ where: { exerciseId: ex.id }, data: { minTestAccuracy: mark } });
    const policy = policyFromRow(await g.prisma.gradingPolicy.findUniqueOrThrow({ where: { exerciseId: ex.id } }));
    await g.prisma.$transaction((tx) => redecide(tx, ex.id, policy, scheduleOf(policy)));
    const s = await g.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(s.status).toBe(held.testAccuracy >= mark ? 'PASSED' : 'FAILED');

    // What the owner and the staff see before the deadline (the API's result endpoint serves resultView).
    const row = (await findWithResult(g.prisma, id, g.userId))!;
    const owner = await resultView(g.prisma, row, resultHidden(row.exercise.policy, 'OWNER'));
    expect(owner).toMatchObject({ status: 'GRADED', passed: null, heldOut: null, heldOutHidden: true, seedRuns: [], testAccuracy: r.testAccuracy });
    const staff = await resultView(g.prisma, row, resultHidden(row.exercise.policy, 'STAFF'));
    expect(staff).toMatchObject({ status: s.status, heldOut: held, heldOutHidden: false, testAccuracy: r.testAccuracy });

    // After the deadline the owner sees the private part and the verdict too.
    await g.prisma.gradingPolicy.update({ where: { exerciseId: ex.id }, data: { deadline: new Date(Date.now() - 1000) } });
    const later = (await findWithResult(g.prisma, id, g.userId))!;
    expect(await resultView(g.prisma, later, resultHidden(later.exercise.policy, 'OWNER'))).toMatchObject({ status: s.status, heldOut: held });
  });

  it('calibration: the reference solution trained with N seeds as CALIBRATION runs; the distribution, failing seeds and a suggested mark', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0.5, seed: 21, batchSize: 32 });
    await g.prisma.exercise.update({ where: { id: ex.id }, data: { solutionCode: src } });
    const admin = await g.prisma.user.create({ data: { email: `calib-${Date.now()}@test.epoch`, name: 'Admin', role: 'ADMIN', passwordHash: 'x' } });
    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const deps = gradingDeps(g, redis);
    try {
      const exercise = await g.prisma.exercise.findUniqueOrThrow({ where: { id: ex.id }, include: { policy: true, course: { select: { slug: true } } } });
      const started = await startCalibration(deps, { exercise, seeds: 3, userId: admin.id });
      expect(started.runs).toHaveLength(3);
      const rows = await g.prisma.submission.findMany({ where: { calibrationId: started.calibrationId }, orderBy: { seed: 'asc' } });
      expect(rows.map((r) => [r.kind, r.seed, r.userId])).toEqual([21, 22, 23].map((seed) => ['CALIBRATION', seed, admin.id]));
      const queued = await calibrationView(g.prisma, ex.id);
      expect(queued).toMatchObject({ calibration: { variant: null, seeds: 3, done: 0, distribution: null }, variants: [], suggestion: null });
      for (const id of started.runs) await waitForStatus(g, id, 300_000, undefined, grader);

      const view = (await calibrationView(g.prisma, ex.id)).calibration!;
      const results = await g.prisma.result.findMany({ where: { submissionId: { in: started.runs } } });
      const values = results.map((r) => r.testAccuracy).sort((a, b) => a - b);
      expect(view.runs.map((r) => r.seed)).toEqual([21, 22, 23]);
      expect(view.distribution).toMatchObject({ min: values[0], median: values[1], max: values[2], values });
      expect(view.distribution!.p5).toBeCloseTo(values[0]! + (values[1]! - values[0]!) * 0.1, 10);
      expect(view.failing).toBe(values.filter((v) => v < 0.5).length);
      expect(view.suggestedPassMark).toBe(Math.max(0, Math.floor((values[0]! - 0.01) * 1000 + 1e-6) / 1000));
      expect(view.summary).toContain(`With a pass mark of 50.0%, the reference solution fails for ${view.failing} of 3 seeds`);
      // A changed pass mark is read at once: the distribution is stored with the runs, the count follows the mark.
      await g.prisma.gradingPolicy.update({ where: { exerciseId: ex.id }, data: { minTestAccuracy: 1 } });
      expect((await calibrationView(g.prisma, ex.id)).calibration!.failing).toBe(values.filter((v) => v < 1).length);
      // A solution that does not check is refused with its line.
      await g.prisma.exercise.update({ where: { id: ex.id }, data: { solutionCode: 'model = 3' } });
      const broken = await g.prisma.exercise.findUniqueOrThrow({ where: { id: ex.id }, include: { policy: true, course: { select: { slug: true } } } });
      await expect(startCalibration(deps, { exercise: broken, seeds: 2, userId: admin.id })).rejects.toThrow(/reference solution .* does not pass/);
    } finally {
      redis.disconnect();
    }
  });
  it("calibration of a wrong variant: the exercise's listed variant trained as CALIBRATION runs, shown beside the reference with its passing seeds and the suggestion", async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0.5, seed: 31, batchSize: 32 });
    // The wrong variant: the same network without its convolution block, one epoch.
    const wrong = source({ epochs: 1 });
    const variant = { name: 'dense-only', file: 'variants/dense-only.py', description: 'No convolution, one epoch.', code: wrong };
    await g.prisma.exercise.update({ where: { id: ex.id }, data: { solutionCode: src, calibrationVariants: [variant] } });
    const admin = await g.prisma.user.create({ data: { email: `calib-v-${Date.now()}@test.epoch`, name: 'Admin', role: 'ADMIN', passwordHash: 'x' } });
    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const deps = gradingDeps(g, redis);
    const load = () => g.prisma.exercise.findUniqueOrThrow({ where: { id: ex.id }, include: { policy: true, course: { select: { slug: true } } } });
    try {
      const exercise = await load();
      // Listed but never calibrated: the view lists it with no calibration.
      expect(await calibrationView(g.prisma, ex.id)).toEqual({
        calibration: null,
        variants: [{ name: 'dense-only', description: 'No convolution, one epoch.', file: 'variants/dense-only.py', calibration: null }],
        suggestion: null,
      });
      await expect(startCalibration(deps, { exercise, seeds: 2, userId: admin.id, variant: 'nope' })).rejects.toMatchObject({
        kind: 'invalid',
        code: 'unknown_variant',
        message: `exercise "${exercise.slug}" has no calibration variant "nope"; its variants: dense-only`,
      });

      const reference = await startCalibration(deps, { exercise, seeds: 2, userId: admin.id });
      const started = await startCalibration(deps, { exercise, seeds: 2, userId: admin.id, variant: 'dense-only' });
      expect(await g.prisma.calibration.findUniqueOrThrow({ where: { id: started.calibrationId } })).toMatchObject({ variant: 'dense-only', seeds: 2 });
      const rows = await g.prisma.submission.findMany({ where: { calibrationId: started.calibrationId }, orderBy: { seed: 'asc' } });
      expect(rows.map((r) => [r.kind, r.seed, r.source])).toEqual([31, 32].map((seed) => ['CALIBRATION', seed, wrong]));
      for (const id of [...reference.runs, ...started.runs]) await waitForStatus(g, id, 300_000, undefined, grader);

      const state = await calibrationView(g.prisma, ex.id);
      const accuracies = async (runs: string[]) =>
        (await g.prisma.result.findMany({ where: { submissionId: { in: runs } } })).map((r) => r.testAccuracy).sort((a, b) => a - b);
      const [refValues, wrongValues] = [await accuracies(reference.runs), await accuracies(started.runs)];
      expect(state.calibration).toMatchObject({ id: reference.calibrationId, variant: null, distribution: { values: refValues } });
      const v = state.variants[0]!.calibration!;
      const passing = wrongValues.filter((x) => x >= 0.5).length;
      expect(v).toMatchObject({ id: started.calibrationId, variant: 'dense-only', done: 2, passing, failing: 2 - passing, suggestedPassMark: null });
      expect(v.runs.map((r) => r.seed)).toEqual([31, 32]);
      expect(v.distribution!.values).toEqual(wrongValues);
      expect(v.summary).toContain(`With a pass mark of 50.0%, the wrong variant 'dense-only' passes for ${passing} of 2 seeds`);

      // The suggestion weighs both: the wrong variant's highest seed against the reference solution's lowest.
      const [lo, hi] = [refValues[0]!, wrongValues[1]!];
      const s = state.suggestion!;
      expect(s.closest).toMatchObject({ variant: 'dense-only', testAccuracy: hi });
      expect(s.separates).toBe(hi < lo);
      if (s.separates) {
        for (const x of refValues) expect(x).toBeGreaterThanOrEqual(s.passMark);
        for (const x of wrongValues) expect(x).toBeLessThan(s.passMark);
      } else {
        expect(s.passMark).toBe(state.calibration!.suggestedPassMark);
        expect(s.summary).toMatch(/^No pass mark separates the wrong variants from the reference solution/);
      }

      // A variant whose stored code no longer checks is refused with its file and line.
      await g.prisma.exercise.update({ where: { id: ex.id }, data: { calibrationVariants: [{ ...variant, code: 'model = 3' }] } });
      await expect(startCalibration(deps, { exercise: await load(), seeds: 1, userId: admin.id, variant: 'dense-only' })).rejects.toThrow(
        /^the wrong variant "dense-only" of ".*" \(variants\/dense-only\.py\) does not pass the exercise's checks \(line 1: /,
      );
    } finally {
      redis.disconnect();
    }
  });
});
