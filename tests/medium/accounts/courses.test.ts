import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignInstructor, courseDetail, createCourse, enrollStudent, joinCourse, listCourses } from '@epoch/accounts';
import { ConflictError, InvalidError, NotFoundError } from '@epoch/contracts';
import { createClass, freshDatabase, type TClassFixture, type TMediumDb } from '../harness';

/** Courses: the admins' list and detail, creating a course, assigning instructors, enrolling and joining. */
describe('accounts: courses', () => {
  let db: TMediumDb;
  let cls: TClassFixture;
  let other: TClassFixture;
  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma, { students: 3 });
    other = await createClass(db.prisma, { students: 1 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function refusal(p: Promise<unknown>): Promise<unknown> {
    return p.then(
      () => expect.fail('expected the use case to refuse'),
      (e: unknown) => e,
    );
  }
  const audits = (action: string, entityId: string) => db.prisma.auditLog.count({ where: { action, entityId } });

  it('creates a course with a generated enrollment code, audits it, and refuses a taken slug or code', async () => {
    const c = await createCourse(db.prisma, cls.admin.id, { slug: 'deep-learning', title: 'Deep Learning', description: 'd' });
    expect(c).toEqual({
      id: expect.any(String),
      slug: 'deep-learning',
      title: 'Deep Learning',
      description: 'd',
      enrollmentCode: expect.stringMatching(/^[0-9A-F]{12}$/),
    });
    expect(await audits('course.create', c.id)).toBe(1);
    const given = await createCourse(db.prisma, cls.admin.id, { slug: 'given-code', title: 'Given', description: '', enrollmentCode: 'JOIN-ME' });
    expect(given.enrollmentCode).toBe('JOIN-ME');
    for (const dup of [
      { slug: 'deep-learning', title: 'Again', description: '' },
      { slug: 'another-one', title: 'Again', description: '', enrollmentCode: 'JOIN-ME' },
    ]) {
      const e = await refusal(createCourse(db.prisma, cls.admin.id, dup));
      expect(e).toBeInstanceOf(ConflictError);
      expect(e).toMatchObject({ code: 'course_exists', message: 'a course with this slug or enrollment code already exists' });
    }
    expect(await db.prisma.course.count({ where: { slug: 'another-one' } })).toBe(0);
  });

  it('lists every course by title with its students, instructors and exercises', async () => {
    const { items } = await listCourses(db.prisma);
    const titles = items.map((c) => c.title);
    expect(titles).toEqual([...titles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(items.find((c) => c.slug === cls.courseSlug)).toMatchObject({ students: 3, instructors: 1, exercises: 1, createdAt: expect.any(String) });
    expect(items.find((c) => c.slug === other.courseSlug)).toMatchObject({ students: 1, instructors: 1, exercises: 1 });
    expect(items.find((c) => c.slug === 'deep-learning')).toMatchObject({ students: 0, instructors: 0, exercises: 0 });
  });

  it("shows one course's enrollments, instructors first, then students by email; an unknown course is not found", async () => {
    const d = await courseDetail(db.prisma, cls.courseSlug);
    expect(d).toMatchObject({ slug: cls.courseSlug, students: 3, instructors: 1, exercises: 1 });
    expect(d.enrollments.map((e) => [e.courseRole, e.email])).toEqual([
      ['INSTRUCTOR', cls.instructor.email],
      ...[...cls.students.map((s) => s.email)].sort().map((email) => ['STUDENT', email]),
    ]);
    expect(d.enrollments[0]).toEqual({
      userId: cls.instructor.id,
      email: cls.instructor.email,
      name: expect.any(String),
      userRole: 'INSTRUCTOR',
      courseRole: 'INSTRUCTOR',
      enrolledAt: expect.any(String),
    });
    const e = await refusal(courseDetail(db.prisma, 'nope'));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e).toMatchObject({ code: 'not_found', message: 'no course "nope"' });
  });

  it('assigns an instructor (again: harmless), audited each time', async () => {
    const r = await assignInstructor(db.prisma, cls.admin.id, { courseSlug: other.courseSlug, userId: cls.instructor.id });
    expect(r).toEqual({ courseSlug: other.courseSlug, userId: cls.instructor.id, role: 'INSTRUCTOR' });
    await assignInstructor(db.prisma, cls.admin.id, { courseSlug: other.courseSlug, userId: cls.instructor.id });
    expect(await db.prisma.enrollment.findMany({ where: { userId: cls.instructor.id, courseId: other.courseId }, select: { role: true } })).toEqual([
      { role: 'INSTRUCTOR' },
    ]);
    expect(await audits('course.assign-instructor', other.courseId)).toBe(2);
  });

  it('makes an instructor account enrolled as a student an instructor of the course', async () => {
    const u = await db.prisma.user.create({ data: { email: 'ta@epoch.test', name: 'TA', role: 'INSTRUCTOR', passwordHash: 'x' } });
    await db.prisma.enrollment.create({ data: { userId: u.id, courseId: cls.courseId, role: 'STUDENT' } });
    await assignInstructor(db.prisma, cls.admin.id, { courseSlug: cls.courseSlug, userId: u.id });
    expect((await db.prisma.enrollment.findFirstOrThrow({ where: { userId: u.id, courseId: cls.courseId } })).role).toBe('INSTRUCTOR');
  });

  it('refuses an unknown course, an unknown user and an account of another role, naming userId', async () => {
    const audited = await db.prisma.auditLog.count();
    expect(await refusal(assignInstructor(db.prisma, cls.admin.id, { courseSlug: 'nope', userId: cls.instructor.id }))).toMatchObject({
      kind: 'not_found',
      message: 'no course "nope"',
    });
    const unknown = await refusal(assignInstructor(db.prisma, cls.admin.id, { courseSlug: cls.courseSlug, userId: 'no-such-user' }));
    expect(unknown).toBeInstanceOf(InvalidError);
    expect(unknown).toMatchObject({ code: 'invalid_request', message: 'no user "no-such-user"', details: [{ path: 'userId', message: 'unknown user' }] });
    expect(await refusal(assignInstructor(db.prisma, cls.admin.id, { courseSlug: cls.courseSlug, userId: cls.students[0]!.id }))).toMatchObject({
      message: `${cls.students[0]!.email} is a STUDENT, not an INSTRUCTOR`,
      details: [{ path: 'userId', message: 'not an instructor' }],
    });
    expect(await refusal(enrollStudent(db.prisma, cls.admin.id, { courseSlug: cls.courseSlug, userId: cls.instructor.id }))).toMatchObject({
      message: `${cls.instructor.email} is a INSTRUCTOR, not a STUDENT`,
      details: [{ path: 'userId', message: 'not a student' }],
    });
    expect(await refusal(enrollStudent(db.prisma, cls.admin.id, { courseSlug: 'nope', userId: cls.students[0]!.id }))).toBeInstanceOf(NotFoundError);
    expect(await db.prisma.auditLog.count()).toBe(audited);
  });

  it('enrolls a student (again: harmless, the enrollment stays as it was), audited each time', async () => {
    const student = other.students[0]!;
    const first = await enrollStudent(db.prisma, cls.admin.id, { courseSlug: cls.courseSlug, userId: student.id });
    expect(first).toMatchObject({ userId: student.id, email: student.email, userRole: 'STUDENT', courseRole: 'STUDENT' });
    const again = await enrollStudent(db.prisma, cls.admin.id, { courseSlug: cls.courseSlug, userId: student.id });
    expect(again.enrolledAt).toBe(first.enrolledAt);
    expect(await db.prisma.enrollment.count({ where: { userId: student.id, courseId: cls.courseId } })).toBe(1);
    expect(await audits('course.enroll-student', cls.courseId)).toBe(2);
  });

  it('lets a user join with an enrollment code in any case (again: harmless); an unknown code names the field', async () => {
    const u = await db.prisma.user.create({ data: { email: 'joiner@epoch.test', name: 'Joiner', role: 'STUDENT', passwordHash: 'x' } });
    const code = (await db.prisma.course.findUniqueOrThrow({ where: { id: other.courseId } })).enrollmentCode;
    const title = (await db.prisma.course.findUniqueOrThrow({ where: { id: other.courseId } })).title;
    expect(await joinCourse(db.prisma, u.id, code.toLowerCase())).toEqual({ slug: other.courseSlug, title, role: 'STUDENT' });
    expect(await joinCourse(db.prisma, u.id, code)).toEqual({ slug: other.courseSlug, title, role: 'STUDENT' });
    expect(await db.prisma.enrollment.count({ where: { userId: u.id } })).toBe(1);
    // An instructor already teaching the course keeps the role when the code is used again.
    expect((await joinCourse(db.prisma, other.instructor.id, code)).role).toBe('INSTRUCTOR');
    const e = await refusal(joinCourse(db.prisma, u.id, 'NOPE-NOPE'));
    expect(e).toBeInstanceOf(InvalidError);
    expect(e).toMatchObject({
      code: 'invalid_enrollment_code',
      message: 'no course has this enrollment code; check it with your instructor',
      details: [{ path: 'enrollmentCode', message: 'no course has this enrollment code; check it with your instructor' }],
    });
  });
});
