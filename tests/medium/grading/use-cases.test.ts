import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, ZGradingPolicy } from '@epoch/contracts';
import { policyColumns } from '@epoch/db';
import {
  cancelSubmission,
  claim,
  classResults,
  clearHeartbeat,
  failInfra,
  findGradingJob,
  listenForCancellations,
  finishGraded,
  quotaUsage,
  recordEpoch,
  regrade,
  resultView,
  findWithResult,
  scheduleOf,
  submissionProgress,
  submit,
  updatePolicy,
  writeHeartbeat,
  type TCancelSignal,
  type TExerciseRef,
  type TGradingDeps,
} from '@epoch/grading';
import { repoRoot } from '@epoch/cli';
import { createClass, freshDatabase, mediumGradingDeps, type TClassFixture, type TMediumDb } from '../harness';

const solution = readFileSync(join(repoRoot(), 'exercises/cifar10-intro/cifar10-dense/solution.py'), 'utf8');
const broken = solution.replace("activation='softmax'", "activation='sideways'");

describe('grading use cases against Postgres and Redis', () => {
  let db: TMediumDb;
  let deps: TGradingDeps;
  let closeDeps: (() => Promise<void>) | undefined;
  let n = 0;
  const key = () => `key-${++n}-${Date.now()}`;
  const exerciseRef = async (cls: TClassFixture): Promise<TExerciseRef & { courseId: string }> => {
    const e = await db.prisma.exercise.findUniqueOrThrow({ where: { id: cls.exerciseId }, include: { policy: true, course: { select: { slug: true } } } });
    return { id: e.id, slug: e.slug, courseId: e.courseId, course: e.course, policy: e.policy };
  };
  const student = (cls: TClassFixture, i = 0) => cls.students[i]!.id;
  /** Grades a queued submission to `acc` through the lifecycle, the way a grader would. */
  const gradeTo = async (cls: TClassFixture, id: string, acc: number) => {
    const c = await claim(db.prisma, id);
    if (!('attempt' in c)) throw new Error(c.skip);
    const r = { testAccuracy: acc, testLoss: 1, perClassAccuracy: [], confusionMatrix: [], backend: 'wasm', backendVersions: {}, seed: 1 };
    await finishGraded(
      db.prisma,
      { id, attempt: c.attempt },
      { ...r, queueWaitMs: 0, trainingMs: 1, evaluationMs: 1, artifacts: [] },
      cls.policy,
      scheduleOf(cls.policy),
      deps.artifacts,
    );
  };

  beforeAll(async () => {
    db = await freshDatabase();
    ({ deps, close: closeDeps } = mediumGradingDeps(db, 'use-cases'));
  });
  afterAll(async () => {
    await closeDeps?.();
    await db.drop();
  });

  describe('submit', () => {
    it('stores a valid submission QUEUED with its ModelSpec and enqueues it; a broken one REJECTED at once with its diagnostics', async () => {
      const cls = await createClass(db.prisma);
      const exercise = await exerciseRef(cls);
      const ok = await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() });
      expect(ok.submission).toMatchObject({ status: 'QUEUED', late: false, policyVersion: 1 });
      expect(ok.submission.modelSpec).toMatchObject({ epochs: 10 });
      expect(await deps.queues.general.getJob(ok.submission.id)).toBeDefined();
      const bad = await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: broken, idempotencyKey: key() });
      expect(bad.submission.status).toBe('REJECTED');
      expect(bad.report?.ok).toBe(false);
      expect(await deps.queues.general.getJob(bad.submission.id)).toBeUndefined();
    });

    it('answers a retried request with the first submission, and refuses the key for another payload', async () => {
      const cls = await createClass(db.prisma);
      const exercise = await exerciseRef(cls);
      const k = key();
      const first = await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: k });
      const again = await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: k });
      expect([again.replayed, again.submission.id]).toEqual([true, first.submission.id]);
      await expect(
        submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: `${solution}\n# changed`, idempotencyKey: k }),
      ).rejects.toMatchObject({
        kind: 'conflict',
        code: 'idempotency_key_reused',
      });
    });

    it('counts students against the daily quota (rejected submissions are free), and not staff', async () => {
      const cls = await createClass(db.prisma, { policy: { dailyQuota: 1 } });
      const exercise = await exerciseRef(cls);
      await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: broken, idempotencyKey: key() });
      await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() });
      const over = submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() });
      await expect(over).rejects.toBeInstanceOf(DomainError);
      await expect(over).rejects.toMatchObject({
        kind: 'too_many',
        code: 'quota_exhausted',
        details: [{ path: 'dailyQuota', message: 'no submissions left' }],
      });
      const staff = await submit(deps, { userId: cls.instructor.id, role: 'INSTRUCTOR', exercise, source: solution, idempotencyKey: key() });
      expect(staff.submission.status).toBe('QUEUED');
    });

    it("refuses a user's submissions once too many were rejected in the window (counted in Redis), before checking anything", async () => {
      const cls = await createClass(db.prisma);
      const exercise = await exerciseRef(cls);
      const limited: TGradingDeps = { ...deps, rejectedLimit: { max: 3, windowSeconds: 60 } };
      const as = (userId: string, source: string) => submit(limited, { userId, role: 'STUDENT', exercise, source, idempotencyKey: key() });
      for (let i = 0; i < 3; i++) expect((await as(student(cls), broken)).submission.status).toBe('REJECTED');
      // Valid ones do not count, and are refused too once the limit is reached: the limit is on the user.
      const refused = as(student(cls), solution);
      await expect(refused).rejects.toMatchObject({ kind: 'too_many', code: 'too_many_rejected', details: [{ path: 'source' }] });
      await expect(refused).rejects.toThrow(/3 of your submissions were rejected in the last 1 min; try again in \d+ s/);
      expect(await db.prisma.submission.count({ where: { userId: student(cls) } })).toBe(3);
      // Another student is not affected; the window ends and the student may submit again.
      expect((await as(student(cls, 1), solution)).submission.status).toBe('QUEUED');
      await deps.redis.del(`${deps.queuePrefix}:epoch:rejected:${student(cls)}`);
      expect((await as(student(cls), solution)).submission.status).toBe('QUEUED');
      expect(await deps.redis.ttl(`${deps.queuePrefix}:epoch:rejected:${student(cls, 1)}`)).toBe(-2);
    });

    it('refuses late work when the schedule says so, and marks accepted late work late', async () => {
      const past = new Date(Date.now() - 3_600_000).toISOString();
      const refusing = await createClass(db.prisma, { policy: { deadline: past, latePolicy: 'REFUSE' } });
      await expect(
        submit(deps, { userId: student(refusing), role: 'STUDENT', exercise: await exerciseRef(refusing), source: solution, idempotencyKey: key() }),
      ).rejects.toMatchObject({ kind: 'forbidden', code: 'deadline_passed' });
      const accepting = await createClass(db.prisma, { policy: { deadline: past, latePolicy: 'ACCEPT' } });
      const late = await submit(deps, {
        userId: student(accepting),
        role: 'STUDENT',
        exercise: await exerciseRef(accepting),
        source: solution,
        idempotencyKey: key(),
      });
      expect(late.submission.late).toBe(true);
    });

    it('cancels a waiting submission and removes its job; a second cancel is refused with the status', async () => {
      const cls = await createClass(db.prisma);
      const s = (await submit(deps, { userId: student(cls), role: 'STUDENT', exercise: await exerciseRef(cls), source: solution, idempotencyKey: key() }))
        .submission;
      expect(await cancelSubmission(deps, s)).toEqual({ from: 'QUEUED', quotaRefunded: true });
      expect(await deps.queues.general.getJob(s.id)).toBeUndefined();
      await expect(cancelSubmission(deps, { id: s.id, status: 'CANCELLED', exerciseId: cls.exerciseId })).rejects.toMatchObject({
        code: 'not_cancellable',
      });
    });

    for (const refund of [true, false])
      it(`cancels a training submission, tells its grader at once, and ${refund ? 'gives the quota slot back' : 'keeps it counted'} (refundCancelledQuota ${refund ? 'on' : 'off'})`, async () => {
        const cls = await createClass(db.prisma, { policy: { dailyQuota: 1, refundCancelledQuota: refund } });
        const exercise = await exerciseRef(cls);
        const s = (await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() })).submission;
        await claim(db.prisma, s.id);
        const heard: TCancelSignal[] = [];
        const stop = await listenForCancellations(deps.redis, deps.queuePrefix, (c) => heard.push(c));
        try {
          const before = Date.now();
          expect(await cancelSubmission(deps, { ...s, status: 'RUNNING' })).toEqual({ from: 'RUNNING', quotaRefunded: refund });
          await expect.poll(() => heard.length).toBe(1);
          expect(heard[0]!.submissionId).toBe(s.id);
          expect(heard[0]!.at).toBeGreaterThanOrEqual(before);
        } finally {
          await stop();
        }
        expect(await db.prisma.submission.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({ status: 'CANCELLED', cancelCounted: !refund });
        const policy = (await exerciseRef(cls)).policy!;
        expect(await quotaUsage(db.prisma, student(cls), cls.exerciseId, policy)).toMatchObject({
          usedToday: refund ? 0 : 1,
          dailyLeft: refund ? 1 : 0,
        });
        const next = submit(deps, { userId: student(cls), role: 'STUDENT', exercise: await exerciseRef(cls), source: solution, idempotencyKey: key() });
        if (refund) expect((await next).submission.status).toBe('QUEUED');
        else await expect(next).rejects.toMatchObject({ code: 'quota_exhausted' });
      });
  });

  describe('regrade', () => {
    it('re-decides with the message: a FAILED result that now passes loses its reason, a PASSED one that now fails gets one', async () => {
      // The bug this fixes: the class-results "re-decide" wrote only the status, so a result flipped to PASSED kept its
      // "below the required" message and one flipped to FAILED showed no reason.
      const cls = await createClass(db.prisma, { policy: { minTestAccuracy: 0.5 } });
      const exercise = await exerciseRef(cls);
      const a = (await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() })).submission.id;
      const b = (await submit(deps, { userId: student(cls, 1), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() })).submission.id;
      await gradeTo(cls, a, 0.45);
      await gradeTo(cls, b, 0.55);
      expect((await db.prisma.submission.findUniqueOrThrow({ where: { id: a } })).errorMessage).toMatch(/45\.0% is below the required 50\.0%/);

      const lenient = ZGradingPolicy.parse({ ...cls.policy, minTestAccuracy: 0.4 });
      await db.prisma.gradingPolicy.update({ where: { exerciseId: cls.exerciseId }, data: policyColumns(lenient) });
      const up = await regrade(deps, await exerciseRef(cls), cls.instructor.id, { mode: 'redecide', submissionIds: [a, b] });
      expect(up).toEqual({ mode: 'redecide', changed: [a], skipped: [{ id: b, reason: 'already PASSED' }] });
      expect(await db.prisma.submission.findUniqueOrThrow({ where: { id: a } })).toMatchObject({ status: 'PASSED', errorMessage: null });

      const strict = ZGradingPolicy.parse({ ...cls.policy, minTestAccuracy: 0.6 });
      await db.prisma.gradingPolicy.update({ where: { exerciseId: cls.exerciseId }, data: policyColumns(strict) });
      const down = await regrade(deps, await exerciseRef(cls), cls.instructor.id, { mode: 'redecide', submissionIds: [a, b] });
      expect(down.changed).toEqual([a, b]);
      for (const [id, acc] of [
        [a, '45.0'],
        [b, '55.0'],
      ] as const) {
        expect(await db.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({
          status: 'FAILED',
          errorMessage: `Test accuracy ${acc}% is below the required 60.0% (re-decided after a threshold change).`,
        });
      }
      expect(await db.prisma.auditLog.count({ where: { action: 'submission.regrade.redecide', entityId: cls.exerciseId, actorId: cls.instructor.id } })).toBe(
        2,
      );
    });

    it('retrains: result dropped, QUEUED under the current policy version, job enqueued again', async () => {
      const cls = await createClass(db.prisma);
      const exercise = await exerciseRef(cls);
      const id = (await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() })).submission.id;
      await gradeTo(cls, id, 0.9);
      await deps.queues.general.remove(id);
      const r = await regrade(deps, exercise, cls.instructor.id, { mode: 'retrain', submissionIds: [id, id] });
      expect(r).toEqual({ mode: 'retrain', changed: [id], skipped: [] });
      expect(await db.prisma.result.count({ where: { submissionId: id } })).toBe(0);
      expect(await deps.queues.general.getJob(id)).toBeDefined();
    });
    it('writes one audit entry for concurrent retrain requests of the same submissions (the ones that changed nothing write none)', async () => {
      const cls = await createClass(db.prisma);
      const exercise = await exerciseRef(cls);
      const id = (await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() })).submission.id;
      await gradeTo(cls, id, 0.9);
      const results = await Promise.all(Array.from({ length: 6 }, () => regrade(deps, exercise, cls.instructor.id, { mode: 'retrain', submissionIds: [id] })));
      expect(results.filter((r) => r.changed.length === 1)).toHaveLength(1);
      expect(results.filter((r) => r.changed.length === 0 && r.skipped.length === 1)).toHaveLength(5);
      expect(await db.prisma.auditLog.count({ where: { action: 'submission.regrade.retrain', entityId: cls.exerciseId } })).toBe(1);
    });
  });

  describe('updatePolicy', () => {
    it('versions the change, re-decides stored results against a new pass mark with the reason, and audits both', async () => {
      const cls = await createClass(db.prisma, { policy: { minTestAccuracy: 0.5 } });
      const exercise = await exerciseRef(cls);
      const id = (await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() })).submission.id;
      await gradeTo(cls, id, 0.55);
      const next = ZGradingPolicy.parse({ ...cls.policy, minTestAccuracy: 0.6 });
      const r = await updatePolicy(db.prisma, exercise, cls.admin.id, next);
      expect(r).toMatchObject({ version: 2, redecided: { passedToFailed: 1, failedToPassed: 0 }, policy: { minTestAccuracy: 0.6 } });
      expect(await db.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: 'FAILED',
        errorMessage: expect.stringMatching(/re-decided/),
      });
      expect(await db.prisma.gradingPolicyChange.count({ where: { exerciseId: cls.exerciseId, version: 2 } })).toBe(1);
      expect(await db.prisma.auditLog.count({ where: { entityId: cls.exerciseId, action: { in: ['policy.update', 'submission.redecide'] } } })).toBe(2);
      // The same policy again changes nothing; a change made from a stale read is refused.
      expect((await updatePolicy(db.prisma, await exerciseRef(cls), cls.admin.id, next)).version).toBe(2);
      await expect(updatePolicy(db.prisma, exercise, cls.admin.id, ZGradingPolicy.parse({ ...next, seed: 7 }))).rejects.toMatchObject({
        code: 'policy_changed',
      });
    });
  });

  describe('classResults', () => {
    it('has one row per enrolled student with attempts, best and latest accuracy, and a verdict only from a verdict', async () => {
      const cls = await createClass(db.prisma, { policy: { minTestAccuracy: 0.5 }, students: 3 });
      const exercise = await exerciseRef(cls);
      const s1 = (await submit(deps, { userId: student(cls, 0), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() })).submission.id;
      const s2 = (await submit(deps, { userId: student(cls, 0), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() })).submission.id;
      await gradeTo(cls, s1, 0.7);
      await gradeTo(cls, s2, 0.4);
      await submit(deps, { userId: student(cls, 1), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() });
      const r = await classResults(db.prisma, exercise);
      expect(r.rows.map((row) => [row.email, row.attempts, row.bestTestAccuracy, row.latestTestAccuracy, row.passed])).toEqual([
        [cls.students[0]!.email, 2, 0.7, 0.4, true],
        [cls.students[1]!.email, 1, null, null, false],
        [cls.students[2]!.email, 0, null, null, false],
      ]);
      expect(r.summary).toMatchObject({ students: 3, withResult: 1, passed: 1 });
    });
  });

  describe('submissionProgress', () => {
    it("shows only the current attempt, and says why training started over when a grader died or failed (never the stale 'epoch 2')", async () => {
      const cls = await createClass(db.prisma);
      const exercise = await exerciseRef(cls);
      const id = (await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() })).submission.id;
      const progress = async () => submissionProgress(deps, await db.prisma.submission.findUniqueOrThrow({ where: { id } }), exercise.policy, false);
      const report = async (attempt: number, worker: string, restarted = false) => {
        const found = await findGradingJob(deps.queues, id);
        await found!.job.updateProgress({
          phase: 'training',
          attempt,
          epoch: 2,
          epochs: 10,
          batch: 5,
          batches: 700,
          loss: 1.5,
          accuracy: 0.4,
          imagesPerSecond: 900,
          etaSeconds: 80,
          restarted,
          worker,
        });
      };
      const epoch = (n: number) => ({ epoch: n, loss: 2 - n / 10, accuracy: 0.1 * n, valLoss: null, valAccuracy: null, seconds: 1 });
      await writeHeartbeat(deps.redis, deps.queuePrefix, { worker: 'grader-a', backend: 'wasm', threads: 2, queues: ['general'], since: Date.now() });

      const first = (await claim(db.prisma, id)) as { attempt: number };
      for (const n of [1, 2]) await recordEpoch(db.prisma, { id, attempt: first.attempt }, epoch(n));
      await report(1, 'grader-a');
      expect(await progress()).toMatchObject({ status: 'RUNNING', attempt: 1, restarted: null, live: { attempt: 1, epoch: 2 }, etaSeconds: 80 });
      expect((await progress()).epochs.map((e) => [e.attempt, e.epoch])).toEqual([
        [1, 1],
        [1, 2],
      ]);

      // The grader of attempt 1 dies: once its heartbeat is gone, the page says so instead of a silent, stale "epoch 2".
      await clearHeartbeat(deps.redis, deps.queuePrefix, 'grader-a');
      const dead = await progress();
      expect(dead).toMatchObject({ status: 'RUNNING', attempt: 1, etaSeconds: null });
      expect(dead.restarted).toMatch(
        /^The grader training attempt 1 stopped responding \(not because of your model\); another grader will take the submission over/,
      );

      // Another grader takes the job over: attempt 2 starts from nothing; attempt 1's epochs and report are not its.
      const second = await claim(db.prisma, id);
      expect(second).toEqual({ attempt: 2, restarted: true });
      expect(await progress()).toMatchObject({ status: 'RUNNING', attempt: 2, epochs: [], live: null });
      await writeHeartbeat(deps.redis, deps.queuePrefix, { worker: 'grader-c', backend: 'wasm', threads: 2, queues: ['general'], since: Date.now() });
      await report(2, 'grader-c', true);
      const restarted = await progress();
      expect(restarted).toMatchObject({ attempt: 2, epochs: [], live: { attempt: 2 } });
      expect(restarted.restarted).toBe(
        'Attempt 1 was interrupted (its grader stopped or failed, not because of your model); training started again from the beginning as attempt 2.',
      );

      // An infrastructure failure sends it back to the queue: it says it waits to be trained again.
      await failInfra(db.prisma, { id, attempt: 2 }, 'the training process crashed (SIGSEGV)', { final: false });
      const queued = await progress();
      expect(queued).toMatchObject({ status: 'QUEUED', attempt: 2, live: null });
      expect(queued.restarted).toMatch(/^Attempt 2 was interrupted .* waits in the queue to be trained again from the beginning\.$/);
    });
  });

  describe('resultView diagnoses', () => {
    const runs = join(repoRoot(), 'exercises/cifar10-intro/reference-runs');
    const recorded = (m: string) => ({
      history: (
        JSON.parse(readFileSync(join(runs, m, 'history.json'), 'utf8')) as {
          epoch: number;
          loss: number;
          accuracy: number;
          valLoss: number;
          valAccuracy: number;
          seconds: number;
        }[]
      ).map(({ epoch, loss, accuracy, valLoss, valAccuracy, seconds }) => ({ epoch, loss, accuracy, valLoss, valAccuracy, seconds })),
      confusionMatrix: (JSON.parse(readFileSync(join(runs, m, 'evaluation.json'), 'utf8')) as { confusionMatrix: number[][] }).confusionMatrix,
    });
    const gradeWith = async (cls: TClassFixture, id: string, run: ReturnType<typeof recorded>) => {
      const c = await claim(db.prisma, id);
      if (!('attempt' in c)) throw new Error(c.skip);
      const r = {
        testAccuracy: 0.546,
        testLoss: 1.9,
        perClassAccuracy: [],
        confusionMatrix: run.confusionMatrix,
        backend: 'wasm',
        backendVersions: {},
        seed: 1,
      };
      await finishGraded(
        db.prisma,
        { id, attempt: c.attempt },
        { ...r, queueWaitMs: 0, trainingMs: 1, evaluationMs: 1, artifacts: [], history: run.history },
        cls.policy,
        scheduleOf(cls.policy),
        deps.artifacts,
      );
    };

    it("names model2's overfitting with the epoch and links the course's overfitting step; the lesson solution gets no hint", async () => {
      const cls = await createClass(db.prisma);
      const lesson = await db.prisma.lesson.create({ data: { courseId: cls.courseId, slug: 'basics', title: 'Basics', position: 1 } });
      await db.prisma.lessonStep.create({ data: { lessonId: lesson.id, slug: 'overfitting', title: 'Overfitting', position: 1, body: '# Overfitting' } });
      const exercise = await exerciseRef(cls);
      const a = await submit(deps, { userId: student(cls), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() });
      await gradeWith(cls, a.submission.id, recorded('model2'));
      const found = await findWithResult(db.prisma, a.submission.id, student(cls));
      const view = await resultView(db.prisma, found!, false);
      expect(view.diagnoses).toEqual([
        expect.objectContaining({ kind: 'overfitting', epoch: 5, lessonStep: { title: 'Overfitting', href: `/courses/${cls.courseSlug}/basics/overfitting` } }),
      ]);
      const b = await submit(deps, { userId: student(cls, 1), role: 'STUDENT', exercise, source: solution, idempotencyKey: key() });
      await gradeWith(cls, b.submission.id, recorded('model3'));
      expect((await resultView(db.prisma, (await findWithResult(db.prisma, b.submission.id, student(cls, 1)))!, false)).diagnoses).toEqual([]);
    });
  });
});
