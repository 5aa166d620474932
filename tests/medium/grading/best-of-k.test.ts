import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { extraSeedJobId, GRADING_QUEUES } from '@epoch/contracts';
import {
  claim,
  createSubmission,
  EXTRA_SEED_PRIORITY,
  finishExtraSeed,
  finishGraded,
  jobsAhead,
  placeRun,
  reconcileQueue,
  resultNotices,
  reuse,
  scheduleOf,
  wantsAnotherSeed,
  type TGradedResult,
} from '@epoch/grading';
import { createClass, freshDatabase, mediumGradingDeps, type TClassFixture, type TMediumDb, TINY_SPEC } from '../harness';

/**
 * Best-of-k's extra seeds (issue 19): a result just below the pass mark is stored decided on its first seed with the
 * next seed pending, and that seed is its own job below every graded and practice run; finishExtraSeed adds each seed
 * and decides again; the result is announced once, when the series ends; the reconciler keeps a job for every pending
 * seed and ends a series whose job failed for good. The lifecycle and reconciler against the real Postgres and Redis.
 */
describe('best of k: extra seeds as their own jobs (Postgres, Redis)', () => {
  let db: TMediumDb;
  let cls: TClassFixture;
  let g: ReturnType<typeof mediumGradingDeps>;
  let n = 0;
  const student = () => cls.students[0]!.id;
  const row = (id: string) => db.prisma.submission.findUniqueOrThrow({ where: { id }, include: { result: true } });
  const emails = (id: string) => db.prisma.outboxMessage.findMany({ where: { kind: 'result-email', key: { startsWith: `result-email:${id}:` } } });
  const noticeIds = async () => (await resultNotices(db.prisma, student(), new Date(Date.now() - 3600_000))).notices.map((x) => x.submissionId);
  const newSubmission = async (opts: { kind?: 'GRADED' | 'PRACTICE'; specHash?: string; userId?: string } = {}) =>
    (
      await createSubmission(
        db.prisma,
        {
          userId: opts.userId ?? student(),
          exerciseId: cls.exerciseId,
          kind: opts.kind ?? 'GRADED',
          source: '#',
          idempotencyKey: `k-${++n}`,
          policyVersion: 1,
          modelSpec: TINY_SPEC,
          specHash: opts.specHash ?? null,
          seed: 42,
        },
        'QUEUED',
      )
    ).id;
  /** The first seed (42) graded to `acc` as the grader stores it: the next seed pending when wantsAnotherSeed says so. */
  const firstSeed = async (acc: number, specHash?: string) => {
    const id = await newSubmission(specHash ? { specHash } : {});
    const c = await claim(db.prisma, id);
    if (!('attempt' in c)) throw new Error(c.skip);
    const seedRuns = [{ seed: 42, testAccuracy: acc, trainingSeconds: 2 }];
    const graded: TGradedResult = {
      testAccuracy: acc,
      testLoss: 1.1,
      perClassAccuracy: [acc],
      confusionMatrix: [[1]],
      backend: 'wasm',
      backendVersions: {},
      seed: 42,
      seedRuns,
      pendingSeed: wantsAnotherSeed(seedRuns, cls.policy) ? 43 : null,
      queueWaitMs: 5,
      trainingMs: 2000,
      evaluationMs: 10,
      artifacts: [],
    };
    await finishGraded(db.prisma, { id, attempt: c.attempt }, graded, cls.policy, scheduleOf(cls.policy), g.deps.artifacts);
    return id;
  };
  const extra = (id: string, seed: number, acc: number | null, attempt = 1) =>
    finishExtraSeed(
      db.prisma,
      { id, attempt, seed },
      acc === null ? null : { seed, testAccuracy: acc, trainingSeconds: 3 },
      cls.policy,
      scheduleOf(cls.policy),
    );

  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma, {
      policy: { minTestAccuracy: 0.5, seedPolicy: 'BEST_OF_K', bestOfSeeds: 3, bestOfMargin: 0.05, reuseCachedResults: true },
    });
    await db.prisma.notificationPreferences.create({ data: { userId: student(), emailOnResult: true } });
    g = mediumGradingDeps(db, 'best-of-k');
  });
  afterAll(async () => {
    await g.close();
    await db.drop();
  });

  it('stores a result just below the mark decided, with the next seed pending, and does not announce it yet', async () => {
    const id = await firstSeed(0.48);
    const s = await row(id);
    expect([s.status, s.result?.pendingSeed]).toEqual(['FAILED', 43]);
    expect(await emails(id)).toHaveLength(0);
    expect(await noticeIds()).not.toContain(id);
    // A result far below the mark has no seed pending and is announced at once.
    const far = await firstSeed(0.3);
    expect([(await row(far)).status, (await row(far)).result?.pendingSeed]).toEqual(['FAILED', null]);
    expect(await emails(far)).toHaveLength(1);
    expect(await noticeIds()).toContain(far);
    await extra(id, 43, null);
  });

  it('a passing extra seed makes the result PASSED, ends the series and announces it once; the same seed twice writes nothing', async () => {
    const id = await firstSeed(0.48);
    const before = (await row(id)).finishedAt!;
    const r = await extra(id, 43, 0.51);
    expect(r).toMatchObject({ decision: { status: 'PASSED', message: null }, nextSeed: null });
    const s = await row(id);
    expect([s.status, s.errorMessage, s.result?.pendingSeed]).toEqual(['PASSED', null, null]);
    expect(s.result?.seedRuns).toEqual([
      { seed: 42, testAccuracy: 0.48, trainingSeconds: 2 },
      { seed: 43, testAccuracy: 0.51, trainingSeconds: 3 },
    ]);
    // The series' end is when the verdict became final: the browser's notices find it then.
    expect(s.finishedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect((await emails(id)).map((m) => (m.payload as { status: string }).status)).toEqual(['PASSED']);
    // The accuracy quoted with the verdict is the seed that passed.
    const notice = (await resultNotices(db.prisma, student(), new Date(Date.now() - 3600_000))).notices.find((x) => x.submissionId === id);
    expect(notice).toMatchObject({ status: 'PASSED', testAccuracy: 0.51 });
    expect(await extra(id, 43, 0.51)).toBeNull();
    expect(await emails(id)).toHaveLength(1);
  });

  it('a failing seed queues the next one; after k seeds the series ends FAILED over all of them, announced once', async () => {
    const id = await firstSeed(0.47);
    expect(await extra(id, 43, 0.46)).toMatchObject({ decision: { status: 'FAILED' }, nextSeed: 44 });
    expect((await row(id)).result?.pendingSeed).toBe(44);
    expect(await emails(id)).toHaveLength(0);
    expect(await extra(id, 44, 0.49)).toMatchObject({ decision: { status: 'FAILED' }, nextSeed: null });
    const s = await row(id);
    expect(s.errorMessage).toBe('Test accuracy 49.0% (the best of 3 seeds: 42, 43, 44) is below the required 50.0%.');
    expect(s.result?.pendingSeed).toBeNull();
    expect((await emails(id)).map((m) => (m.payload as { status: string }).status)).toEqual(['FAILED']);
  });

  it('writes nothing for a seed the result does not wait for (another attempt, another seed); a seed that cannot train ends the series', async () => {
    const id = await firstSeed(0.48);
    expect(await extra(id, 43, 0.6, 2)).toBeNull();
    expect(await extra(id, 99, 0.6)).toBeNull();
    expect((await row(id)).status).toBe('FAILED');
    // Over a limit, retries exhausted, the policy changed: the seeds trained so far decide.
    expect(await extra(id, 43, null)).toMatchObject({ decision: { status: 'FAILED' }, nextSeed: null });
    expect((await row(id)).result?.seedRuns).toHaveLength(1);
    expect(await emails(id)).toHaveLength(1);
  });

  it('never reuses a result that still waits for a seed', async () => {
    const pending = await firstSeed(0.48, 'same-model');
    const other = await newSubmission({ specHash: 'same-model' });
    const c = (await claim(db.prisma, other)) as { attempt: number };
    const again = () => reuse(db.prisma, { id: other, attempt: c.attempt, specHash: 'same-model', queueWaitMs: 0 }, cls.policy, scheduleOf(cls.policy), 'wasm');
    expect(await again()).toBeNull();
    await extra(pending, 43, 0.52);
    const reused = await again();
    expect(reused).toMatchObject({ reusedFromId: pending, decision: { status: 'PASSED' } });
    expect((await row(other)).result?.pendingSeed).toBeNull();
  });

  it('the reconciler queues a pending seed without a job below graded and practice runs, and ends a series whose job failed for good', async () => {
    const id = await firstSeed(0.48);
    const jobId = extraSeedJobId(id, { attempt: 1, seed: 43 });
    // Another student's graded and practice runs are queued too.
    const other = cls.students[1]!.id;
    const graded = await newSubmission({ userId: other });
    const practice = await newSubmission({ userId: other, kind: 'PRACTICE' });
    for (const x of [graded, practice]) await placeRun(g.deps, x, 'general');

    const r = await reconcileQueue(db.prisma, g.deps.queues, { graceMs: 0 });
    expect(r.seedsEnqueued).toEqual([jobId]);
    expect(r.enqueued.sort()).toEqual([]);
    const job = await g.deps.queues.general.getJob(jobId);
    expect(job?.data).toEqual({ submissionId: id, extraSeed: { attempt: 1, seed: 43 } });
    expect(job?.priority).toBe(EXTRA_SEED_PRIORITY);
    expect(await jobsAhead(g.deps.queues.general, g.deps.redis, jobId)).toEqual([graded, practice]);
    // A second pass finds the job: nothing to add.
    expect((await reconcileQueue(db.prisma, g.deps.queues, { graceMs: 0 })).seedsEnqueued).toEqual([]);

    // Its workers kept dying: BullMQ failed the job for good.
    for (const x of [graded, practice]) await g.deps.queues.general.remove(x);
    const worker = new Worker(GRADING_QUEUES.general, undefined, {
      connection: new Redis(inject('redisUrl'), { maxRetriesPerRequest: null }),
      prefix: g.deps.queuePrefix,
      autorun: false,
    });
    try {
      const taken = await worker.getNextJob('test-token', { block: false });
      expect(taken?.id).toBe(jobId);
      await taken!.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), 'test-token');
    } finally {
      await worker.close();
    }
    expect(await (await g.deps.queues.general.getJob(jobId))?.getState()).toBe('failed');
    const ended = await reconcileQueue(db.prisma, g.deps.queues, { graceMs: 0 });
    expect(ended.seedsEnded).toEqual([jobId]);
    const s = await row(id);
    expect([s.status, s.result?.pendingSeed]).toEqual(['FAILED', null]);
    expect(await emails(id)).toHaveLength(1);
  });
});
