import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TGradingPolicyInput } from '@epoch/contracts';
import {
  claim,
  classResults,
  deleteStudentException,
  effectiveDeadline,
  effectiveDeadlines,
  finishGraded,
  countedResultOf,
  gradebook,
  gradebookCsv,
  mySchedule,
  quotaUsage,
  redecide,
  scheduleOf,
  setCourseTimeZone,
  setStudentException,
  submit,
  updateSchedule,
  type TGradingDeps,
  type TScheduledExercise,
} from '@epoch/grading';
import { repoRoot } from '@epoch/cli';
import { createClass, freshDatabase, mediumGradingDeps, type TClassFixture, type TMediumDb } from '../harness';

const solution = readFileSync(join(repoRoot(), 'exercises/cifar10-intro/cifar10-dense/solution.py'), 'utf8');
const HOUR = 3_600_000;
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

describe('schedule, extensions, quota overrides and the gradebook against Postgres and Redis', () => {
  let db: TMediumDb;
  let deps: TGradingDeps;
  let closeDeps: (() => Promise<void>) | undefined;
  let n = 0;
  const key = () => `key-${++n}-${Date.now()}`;
  const exerciseRef = async (cls: TClassFixture): Promise<TScheduledExercise> => {
    const e = await db.prisma.exercise.findUniqueOrThrow({ where: { id: cls.exerciseId }, include: { policy: true, course: true } });
    return { ...e, course: e.course };
  };
  const student = (cls: TClassFixture, i = 0) => cls.students[i]!.id;
  const policyNow = async (cls: TClassFixture) => {
    const e = await exerciseRef(cls);
    return { ...cls.policy, ...scheduleFields(e) };
  };
  const scheduleFields = (e: TScheduledExercise) => ({
    deadline: e.policy?.deadline?.toISOString() ?? null,
    opensAt: e.policy?.opensAt?.toISOString() ?? null,
    latePolicy: e.policy!.latePolicy,
    lateCredit: (e.policy?.lateCredit ?? null) as TGradingPolicyInput['lateCredit'] & null,
    resultVisibility: e.policy!.resultVisibility,
  });
  /** Submits as a student and grades the submission to `acc` through the lifecycle, the way a grader would. */
  const submitGraded = async (cls: TClassFixture, i: number, acc: number, kind: 'GRADED' | 'PRACTICE' = 'GRADED') => {
    const s = await submit(deps, { userId: student(cls, i), role: 'STUDENT', exercise: await exerciseRef(cls), source: solution, idempotencyKey: key(), kind });
    const c = await claim(db.prisma, s.submission.id);
    if (!('attempt' in c)) throw new Error(c.skip);
    const policy = await policyNow(cls);
    const r = { testAccuracy: acc, testLoss: 1, perClassAccuracy: [], confusionMatrix: [], backend: 'wasm', backendVersions: {}, seed: 1 };
    await finishGraded(
      db.prisma,
      { id: s.submission.id, attempt: c.attempt },
      { ...r, queueWaitMs: 0, trainingMs: 1, evaluationMs: 1, artifacts: [] },
      policy,
      scheduleOf(policy),
      deps.artifacts,
    );
    return db.prisma.submission.findUniqueOrThrow({ where: { id: s.submission.id } });
  };
  const row = (id: string) => db.prisma.submission.findUniqueOrThrow({ where: { id } });

  beforeAll(async () => {
    db = await freshDatabase();
    ({ deps, close: closeDeps } = mediumGradingDeps(db, 'schedule'));
  });
  afterAll(async () => {
    await closeDeps?.();
    await db.drop();
  });

  it('counts late work in the late window for its credit; refuses it after the window and before the opening', async () => {
    const cls = await createClass(db.prisma, {
      policy: { minTestAccuracy: 0.5, deadline: inHours(-1), latePolicy: 'ACCEPT', lateCredit: [{ hours: 24, credit: 0.8 }] },
    });
    const late = await submitGraded(cls, 0, 0.7);
    expect(late).toMatchObject({ status: 'PASSED', late: true, credit: 0.8 });
    const failedLate = await submitGraded(cls, 1, 0.3);
    expect(failedLate).toMatchObject({ status: 'FAILED', late: true, credit: 0.8 });

    const closed = await createClass(db.prisma, { policy: { deadline: inHours(-25), lateCredit: [{ hours: 24, credit: 0.8 }] } });
    const ex = await exerciseRef(closed);
    await expect(submit(deps, { userId: student(closed), role: 'STUDENT', exercise: ex, source: solution, idempotencyKey: key() })).rejects.toMatchObject({
      kind: 'forbidden',
      code: 'deadline_passed',
    });
    const notOpen = await createClass(db.prisma, { policy: { opensAt: inHours(2) } });
    await expect(
      submit(deps, { userId: student(notOpen), role: 'STUDENT', exercise: await exerciseRef(notOpen), source: solution, idempotencyKey: key() }),
    ).rejects.toMatchObject({ kind: 'forbidden', code: 'not_open' });
  });

  it("an extension moves the student's deadline: accepted after the closing, re-decided to full credit, audited and versioned", async () => {
    const cls = await createClass(db.prisma, { policy: { deadline: inHours(-1), lateCredit: [{ hours: 24, credit: 0.5 }] } });
    const s = await submitGraded(cls, 0, 0.9);
    expect(s).toMatchObject({ status: 'PASSED', late: true, credit: 0.5 });
    const ex = await exerciseRef(cls);
    const saved = await setStudentException(db.prisma, ex, cls.instructor.id, student(cls), {
      deadline: inHours(48),
      extraSubmissions: 0,
      dailyQuota: null,
      totalQuota: null,
      note: 'illness',
    });
    expect(saved).toMatchObject({ version: 1, recredited: 1, note: 'illness' });
    expect(await row(s.id)).toMatchObject({ status: 'PASSED', late: false, credit: 1 });
    expect((await effectiveDeadline(db.prisma, cls.exerciseId, student(cls)))?.getTime()).toBe(new Date(saved.deadline!).getTime());
    const all = await effectiveDeadlines(db.prisma, cls.exerciseId);
    expect(all.get(student(cls, 1))?.getTime()).toBe(ex.policy!.deadline!.getTime());
    expect(await mySchedule(db.prisma, ex, student(cls))).toMatchObject({ extended: true, window: 'ON_TIME', creditNow: 1, timeZone: 'UTC' });
    expect(await mySchedule(db.prisma, ex, student(cls, 1))).toMatchObject({ extended: false, window: 'LATE', creditNow: 0.5 });

    const again = await setStudentException(db.prisma, ex, cls.instructor.id, student(cls), {
      deadline: inHours(-0.5),
      extraSubmissions: 0,
      dailyQuota: null,
      totalQuota: null,
      note: null,
    });
    expect(again.version).toBe(2);
    expect(await row(s.id)).toMatchObject({ late: true, credit: 0.5 });
    const audit = await db.prisma.auditLog.findMany({ where: { entityId: cls.exerciseId, action: 'exception.update' }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => (a.data as { version: number }).version)).toEqual([1, 2]);
    expect(await deleteStudentException(db.prisma, await exerciseRef(cls), cls.instructor.id, student(cls))).toEqual({ deleted: true });
    expect(await db.prisma.auditLog.count({ where: { entityId: cls.exerciseId, action: 'exception.delete' } })).toBe(1);

    // An extension lets a student submit after the exercise closed; others stay refused.
    const closed = await createClass(db.prisma, { policy: { deadline: inHours(-2), latePolicy: 'REFUSE' } });
    const cex = await exerciseRef(closed);
    await setStudentException(db.prisma, cex, closed.instructor.id, student(closed), {
      deadline: inHours(24),
      extraSubmissions: 0,
      dailyQuota: null,
      totalQuota: null,
      note: null,
    });
    const ok = await submitGraded(closed, 0, 0.6);
    expect(ok).toMatchObject({ status: 'PASSED', late: false, credit: 1 });
    await expect(submit(deps, { userId: student(closed, 1), role: 'STUDENT', exercise: cex, source: solution, idempotencyKey: key() })).rejects.toMatchObject({
      code: 'deadline_passed',
    });
    // Staff cannot give an exception to someone who is not a student of the course.
    await expect(
      setStudentException(db.prisma, cex, closed.instructor.id, closed.instructor.id, {
        deadline: null,
        extraSubmissions: 1,
        dailyQuota: null,
        totalQuota: null,
        note: null,
      }),
    ).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('a schedule change re-decides stored results (late marks and credit) without retraining, as a new policy version with history', async () => {
    const cls = await createClass(db.prisma, { policy: { deadline: inHours(-1), lateCredit: [{ hours: 24, credit: 0.8 }] } });
    const s = await submitGraded(cls, 0, 0.9);
    expect(s).toMatchObject({ late: true, credit: 0.8 });
    const ex = await exerciseRef(cls);
    const view = await updateSchedule(db.prisma, ex, cls.instructor.id, {
      ...scheduleFields(ex),
      deadline: inHours(5),
      lateCredit: [{ hours: 24, credit: 0.8 }],
      countedResult: 'LAST',
    });
    expect(view).toMatchObject({ version: 2, redecided: { passedToFailed: 0, failedToPassed: 0, recredited: 1 }, schedule: { countedResult: 'LAST' } });
    expect(await row(s.id)).toMatchObject({ status: 'PASSED', late: false, credit: 1 });
    const change = await db.prisma.gradingPolicyChange.findUniqueOrThrow({ where: { exerciseId_version: { exerciseId: cls.exerciseId, version: 2 } } });
    expect(change.changedById).toBe(cls.instructor.id);
    expect(await db.prisma.auditLog.count({ where: { entityId: cls.exerciseId, action: 'submission.redecide' } })).toBe(1);
    // The admin-only parts of the policy are untouched by a schedule update.
    expect((await exerciseRef(cls)).policy).toMatchObject({ minTestAccuracy: 0.5, version: 2 });
  });

  it('quota overrides and extra submissions change what a student may submit', async () => {
    const cls = await createClass(db.prisma, { policy: { dailyQuota: 1, totalQuota: 2 } });
    const ex = await exerciseRef(cls);
    const go = () => submit(deps, { userId: student(cls), role: 'STUDENT', exercise: ex, source: solution, idempotencyKey: key() });
    await go();
    await expect(go()).rejects.toMatchObject({ code: 'quota_exhausted' });
    await setStudentException(db.prisma, ex, cls.instructor.id, student(cls), {
      deadline: null,
      extraSubmissions: 1,
      dailyQuota: 5,
      totalQuota: null,
      note: null,
    });
    await go();
    await go();
    // Total 2 + 1 extra: the fourth is refused, naming the student's own total.
    await expect(go()).rejects.toMatchObject({ code: 'quota_exhausted', message: expect.stringContaining('total quota of 3') });
    // Another student keeps the policy's quota.
    await submit(deps, { userId: student(cls, 1), role: 'STUDENT', exercise: ex, source: solution, idempotencyKey: key() });
    await expect(submit(deps, { userId: student(cls, 1), role: 'STUDENT', exercise: ex, source: solution, idempotencyKey: key() })).rejects.toMatchObject({
      code: 'quota_exhausted',
    });
  });

  it("the quota day starts at midnight in the course's time zone", async () => {
    const cls = await createClass(db.prisma, { policy: { dailyQuota: 3 } });
    // 03:00 UTC on the 10th is still the 9th in New York; at 10:00 UTC on the 10th, "today" there began at 05:00 UTC.
    await db.prisma.submission.create({
      data: {
        userId: student(cls),
        exerciseId: cls.exerciseId,
        source: 'x',
        idempotencyKey: key(),
        policyVersion: 1,
        status: 'QUEUED',
        createdAt: new Date('2030-01-10T03:00:00Z'),
      },
    });
    const now = new Date('2030-01-10T10:00:00Z');
    const policy = { dailyQuota: 3, totalQuota: null };
    expect(await quotaUsage(db.prisma, student(cls), cls.exerciseId, policy, now, { timeZone: 'UTC' })).toMatchObject({ usedToday: 1, dailyLeft: 2 });
    expect(await quotaUsage(db.prisma, student(cls), cls.exerciseId, policy, now, { timeZone: 'America/New_York' })).toMatchObject({
      usedToday: 0,
      dailyLeft: 3,
    });
    const course = await db.prisma.course.findUniqueOrThrow({ where: { id: cls.courseId } });
    expect(await setCourseTimeZone(db.prisma, course, cls.instructor.id, 'America/New_York')).toEqual({
      courseSlug: course.slug,
      timeZone: 'America/New_York',
    });
    expect((await exerciseRef(cls)).course.timeZone).toBe('America/New_York');
    expect(await db.prisma.auditLog.findFirst({ where: { entityId: cls.courseId, action: 'course.time-zone' } })).toMatchObject({
      data: { old: 'UTC', new: 'America/New_York' },
    });
  });

  it('a practice run is never re-decided and announces nothing: no result e-mail, no grade for the LMS', async () => {
    const cls = await createClass(db.prisma, { students: 1, policy: { minTestAccuracy: 0.5 } });
    const me = student(cls, 0);
    await db.prisma.notificationPreferences.create({ data: { userId: me, emailOnResult: true } });
    // The student came from an LMS, through a resource link of this exercise.
    const platform = await db.prisma.ltiPlatform.create({
      data: {
        name: 'LMS',
        issuer: 'https://lms.test',
        clientId: 'c',
        authUrl: 'https://lms.test/auth',
        tokenUrl: 'https://lms.test/token',
        jwksUrl: 'https://lms.test/jwks',
      },
    });
    const context = await db.prisma.ltiContext.create({ data: { platformId: platform.id, contextId: 'ctx', title: 'CIFAR', courseId: cls.courseId } });
    await db.prisma.ltiResourceLink.create({
      data: { platformId: platform.id, ltiContextId: context.id, resourceLinkId: 'rl', title: 'model3', exerciseId: (await exerciseRef(cls)).id },
    });
    await db.prisma.ltiUser.create({ data: { platformId: platform.id, sub: 'lms-user-1', userId: me } });
    const outboxOf = (id: string) => db.prisma.outboxMessage.findMany({ where: { key: { contains: id } }, select: { kind: true } });

    const practice = await submitGraded(cls, 0, 0.9, 'PRACTICE');
    expect(practice.kind).toBe('PRACTICE');
    expect(await outboxOf(practice.id)).toEqual([]);
    // A graded run of the same student announces both (the control).
    const graded = await submitGraded(cls, 0, 0.4);
    expect((await outboxOf(graded.id)).map((m) => m.kind).sort()).toEqual(['lti-grade', 'result-email']);

    // Raising the pass mark re-decides the graded run, never the practice run, asked for by id or not.
    const exerciseId = (await exerciseRef(cls)).id;
    const policy = { ...(await policyNow(cls)), minTestAccuracy: 0.95 };
    const all = await db.prisma.$transaction((tx) => redecide(tx, exerciseId, policy, scheduleOf(policy)));
    expect(all.toFailed).toEqual([]);
    const byId = await db.prisma.$transaction((tx) => redecide(tx, exerciseId, policy, scheduleOf(policy), [practice.id]));
    expect(byId.skipped).toEqual([{ id: practice.id, reason: 'a practice run is not graded' }]);
    expect((await row(practice.id)).status).toBe('PASSED');
    expect(await outboxOf(practice.id)).toEqual([]);
  });

  it('the gradebook: counted result per cell (best or last), late and extension marks, credit, totals, filter, sort, CSV; class results agree', async () => {
    const cls = await createClass(db.prisma, {
      students: 3,
      policy: { minTestAccuracy: 0.5, deadline: inHours(-1), lateCredit: [{ hours: 24, credit: 0.8 }] },
    });
    await submitGraded(cls, 0, 0.9); // late pass: 0.8
    await submitGraded(cls, 0, 0.4); // late fail
    await setStudentException(db.prisma, await exerciseRef(cls), cls.instructor.id, student(cls, 1), {
      deadline: inHours(10),
      extraSubmissions: 0,
      dailyQuota: null,
      totalQuota: null,
      note: null,
    });
    await submitGraded(cls, 1, 0.6); // on time under the extension: 1
    // A practice run (and a calibration run) counts for nothing: not an attempt, not a grade.
    const practice = await submitGraded(cls, 2, 0.95);
    await db.prisma.submission.update({ where: { id: practice.id }, data: { kind: 'PRACTICE' } });
    const course = await db.prisma.course.findUniqueOrThrow({ where: { id: cls.courseId } });
    const book = await gradebook(db.prisma, course, { sort: 'total', order: 'desc' });
    expect(book.exercises.map((e) => e.slug)).toEqual([cls.exerciseSlug]);
    expect(book.rows.map((r) => [r.email, r.total, r.passed])).toEqual([
      [cls.students[1]!.email, 1, 1],
      [cls.students[0]!.email, 0.8, 1],
      [cls.students[2]!.email, 0, 0],
    ]);
    expect(book.rows[0]!.cells[0]).toMatchObject({ extended: true, attempts: 1, counted: { status: 'PASSED', late: false, credit: 1, score: 1 } });
    expect(book.rows[1]!.cells[0]).toMatchObject({ extended: false, attempts: 2, counted: { status: 'PASSED', testAccuracy: 0.9, late: true, credit: 0.8 } });
    expect(book.rows[2]!.cells[0]).toMatchObject({ counted: null, attempts: 0 });
    expect(await countedResultOf(db.prisma, (await exerciseRef(cls)).id, student(cls, 2))).toBeNull();
    const filtered = await gradebook(db.prisma, course, { q: 'STUDENT3', sort: 'email', order: 'asc' });
    expect(filtered.rows.map((r) => r.email)).toEqual([cls.students[2]!.email]);
    const own = await gradebook(db.prisma, course, { sort: 'email', order: 'asc' }, student(cls, 0));
    expect(own.rows.map((r) => r.userId)).toEqual([student(cls, 0)]);

    const csv = gradebookCsv(book);
    const slug = cls.exerciseSlug;
    expect(csv[0]).toEqual([
      'email',
      'name',
      'user_id',
      `${slug}_score`,
      `${slug}_status`,
      `${slug}_test_accuracy`,
      `${slug}_late`,
      `${slug}_credit`,
      `${slug}_extension`,
      'total',
      'passed',
    ]);
    expect(csv[2]).toEqual([cls.students[0]!.email, expect.any(String), student(cls, 0), 0.8, 'PASSED', 0.9, 'yes', 0.8, 'no', 0.8, 1]);

    // Class results count with the same rule; switching the exercise to LAST counts the late failure instead.
    const ex = await exerciseRef(cls);
    const before = await classResults(db.prisma, ex);
    expect(before.rows.find((r) => r.userId === student(cls, 0))).toMatchObject({ passed: true, counted: { testAccuracy: 0.9, score: 0.8 } });
    await updateSchedule(db.prisma, ex, cls.instructor.id, { ...scheduleFields(ex), countedResult: 'LAST' });
    const after = await classResults(db.prisma, await exerciseRef(cls));
    expect(after.rows.find((r) => r.userId === student(cls, 0))).toMatchObject({ passed: false, counted: { testAccuracy: 0.4, score: 0 } });
    expect((await gradebook(db.prisma, course, { sort: 'email', order: 'asc', q: cls.students[0]!.email })).rows[0]!.total).toBe(0);
  });
});
