import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courseMembers, joinCourse, leaveCourse, previewJoin, regenerateEnrollmentCode, removeMember, updateEnrollment } from '@epoch/accounts';
import type { DomainError } from '@epoch/contracts';
import { createClass, freshDatabase, type TClassFixture, type TMediumDb } from '../harness';

/** Joining a course by its code, the enrollment window, and who joined when (use cases against Postgres). */
describe('accounts: joining by code and course members', () => {
  let db: TMediumDb;
  let cls: TClassFixture;
  let newcomer: string;
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e as DomainError,
    );
  const code = async () => (await db.prisma.course.findUniqueOrThrow({ where: { id: cls.courseId } })).enrollmentCode;
  const staff = () => ({ userId: cls.instructor.id, role: 'INSTRUCTOR' as const });
  const audits = (action: string) => db.prisma.auditLog.count({ where: { action, entityId: cls.courseId } });

  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma, { students: 1 });
    newcomer = (await db.prisma.user.create({ data: { email: 'new@join.test', name: 'Nia', role: 'STUDENT', passwordHash: 'x' } })).id;
  });
  afterAll(async () => {
    await db.drop();
  });

  it('shows the course a code opens before joining, then joins (by code, audited); again is harmless', async () => {
    expect(await previewJoin(db.prisma, newcomer, ` ${(await code()).toLowerCase()} `)).toMatchObject({ slug: cls.courseSlug, member: false });
    expect(await db.prisma.enrollment.count({ where: { userId: newcomer } })).toBe(0);
    expect(await joinCourse(db.prisma, newcomer, await code())).toMatchObject({ slug: cls.courseSlug, role: 'STUDENT' });
    expect(await joinCourse(db.prisma, newcomer, await code())).toMatchObject({ slug: cls.courseSlug });
    expect(await db.prisma.enrollment.findFirstOrThrow({ where: { userId: newcomer } })).toMatchObject({ joinedVia: 'CODE' });
    expect(await audits('course.join')).toBe(1);
    expect(await previewJoin(db.prisma, newcomer, await code())).toMatchObject({ member: true });
  });

  it('refuses a wrong code, a disabled one and one outside the window, each with what to do', async () => {
    const outsider = (await db.prisma.user.create({ data: { email: 'late@join.test', name: 'Late', role: 'STUDENT', passwordHash: 'x' } })).id;
    expect(await refusal(joinCourse(db.prisma, outsider, 'WRONG-CODE'))).toMatchObject({
      code: 'invalid_enrollment_code',
      details: [{ path: 'enrollmentCode' }],
    });
    expect(await refusal(joinCourse(db.prisma, outsider, ''))).toMatchObject({ code: 'invalid_enrollment_code' });

    await updateEnrollment(db.prisma, staff(), cls.courseSlug, { codeEnabled: false, opensAt: null, closesAt: null });
    expect(await refusal(joinCourse(db.prisma, outsider, await code()))).toMatchObject({
      code: 'enrollment_closed',
      message: expect.stringMatching(/turned off; ask your instructor/),
    });

    const soon = new Date(Date.now() + 3600_000).toISOString();
    await updateEnrollment(db.prisma, staff(), cls.courseSlug, { codeEnabled: true, opensAt: soon, closesAt: null });
    expect(await refusal(previewJoin(db.prisma, outsider, await code()))).toMatchObject({
      code: 'enrollment_not_open',
      message: expect.stringContaining(soon),
    });

    const past = new Date(Date.now() - 60_000).toISOString();
    await updateEnrollment(db.prisma, staff(), cls.courseSlug, { codeEnabled: true, opensAt: null, closesAt: past });
    expect(await refusal(joinCourse(db.prisma, outsider, await code()))).toMatchObject({ code: 'enrollment_closed', message: expect.stringContaining(past) });
    expect(await db.prisma.enrollment.count({ where: { userId: outsider } })).toBe(0);

    await updateEnrollment(db.prisma, staff(), cls.courseSlug, { codeEnabled: true, opensAt: past, closesAt: soon });
    await expect(joinCourse(db.prisma, outsider, await code())).resolves.toMatchObject({ role: 'STUDENT' });
    expect(await audits('course.enrollment-settings')).toBe(4);
  });

  it('regenerates the code: the old one stops working at once (audited)', async () => {
    const old = await code();
    const next = await regenerateEnrollmentCode(db.prisma, staff(), cls.courseSlug);
    expect(next.enrollmentCode).not.toBe(old);
    const someone = (await db.prisma.user.create({ data: { email: 'again@join.test', name: 'A', role: 'STUDENT', passwordHash: 'x' } })).id;
    expect(await refusal(joinCourse(db.prisma, someone, old))).toMatchObject({ code: 'invalid_enrollment_code' });
    await expect(joinCourse(db.prisma, someone, next.enrollmentCode)).resolves.toMatchObject({ slug: cls.courseSlug });
    expect(await audits('course.enrollment-code')).toBe(1);
  });

  it('shows staff who joined when and how; students and outsiders may not look', async () => {
    const view = await courseMembers(db.prisma, staff(), cls.courseSlug);
    expect(view.members.map((m) => [m.email, m.joinedVia]).slice(0, 1)).toEqual([['again@join.test', 'CODE']]);
    expect(view.members.find((m) => m.userId === cls.instructor.id)).toMatchObject({
      courseRole: 'INSTRUCTOR',
      joinedVia: 'STAFF',
      enrolledAt: expect.any(String),
    });
    expect(await refusal(courseMembers(db.prisma, { userId: cls.students[0]!.id, role: 'STUDENT' }, cls.courseSlug))).toMatchObject({ kind: 'forbidden' });
    const other = await createClass(db.prisma);
    expect(await refusal(courseMembers(db.prisma, { userId: other.instructor.id, role: 'INSTRUCTOR' }, cls.courseSlug))).toMatchObject({ kind: 'not_found' });
    expect(await courseMembers(db.prisma, { userId: other.admin.id, role: 'ADMIN' }, cls.courseSlug)).toMatchObject({ slug: cls.courseSlug });
    expect(
      await refusal(
        updateEnrollment(db.prisma, { userId: cls.students[0]!.id, role: 'STUDENT' }, cls.courseSlug, { codeEnabled: false, opensAt: null, closesAt: null }),
      ),
    ).toMatchObject({
      kind: 'forbidden',
    });
  });

  it('keeps submissions and results when a student leaves or is removed (audited)', async () => {
    const student = cls.students[0]!.id;
    await db.prisma.submission.create({ data: { userId: student, exerciseId: cls.exerciseId, source: 'x', idempotencyKey: 'leave-1', policyVersion: 1 } });
    await db.prisma.submission.create({ data: { userId: newcomer, exerciseId: cls.exerciseId, source: 'x', idempotencyKey: 'remove-1', policyVersion: 1 } });
    await leaveCourse(db.prisma, student, cls.courseSlug);
    await removeMember(db.prisma, staff(), cls.courseSlug, newcomer);
    expect(await db.prisma.enrollment.count({ where: { courseId: cls.courseId, userId: { in: [student, newcomer] } } })).toBe(0);
    expect(await db.prisma.submission.count({ where: { exerciseId: cls.exerciseId, userId: { in: [student, newcomer] } } })).toBe(2);
    expect([await audits('course.leave'), await audits('course.remove-member')]).toEqual([1, 1]);
    expect(await refusal(leaveCourse(db.prisma, student, cls.courseSlug))).toMatchObject({ kind: 'not_found' });
    expect(await refusal(leaveCourse(db.prisma, cls.instructor.id, cls.courseSlug))).toMatchObject({ kind: 'forbidden' });
    expect(await refusal(removeMember(db.prisma, staff(), cls.courseSlug, cls.instructor.id))).toMatchObject({ kind: 'forbidden' });
  });
});
