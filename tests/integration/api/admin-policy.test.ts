import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZGradingPolicy } from '@epoch/contracts';
import { Client, createCourse, createUsers, enroll, signedIn, startApi, tag, type ApiUnderTest, type TestUser } from './api-harness';

describe('API administration: users, roster, courses, instructors, grading policies', () => {
  let api: ApiUnderTest;
  let users: Record<string, TestUser>;
  let admin: Client;
  let teacher: Client;
  let student: Client;

  beforeAll(async () => {
    api = await startApi();
    users = await createUsers(api.prisma, [
      { key: 'admin', role: 'ADMIN' },
      { key: 'teacher', role: 'INSTRUCTOR' },
      { key: 'student', role: 'STUDENT' },
    ]);
    [admin, teacher, student] = await Promise.all(['admin', 'teacher', 'student'].map((k) => signedIn(api.base, users[k]!)));
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('creates a user with a generated password once, and refuses a duplicate email', async () => {
    const email = `new-${tag()}@test.epoch`;
    const r = await admin.post('/api/admin/users', { email: email.toUpperCase(), name: 'New Person' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ email, role: 'STUDENT', initialPassword: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) });
    expect((await new Client(api.base).signIn(email, r.body.initialPassword)).status).toBe(200);
    expect(await api.prisma.auditLog.count({ where: { action: 'user.create', entityId: r.body.id, actorId: users['admin']!.id } })).toBe(1);
    const dup = await admin.post('/api/admin/users', { email, name: 'Again', password: 'another-long-password' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('email_taken');
    const bad = await admin.post('/api/admin/users', { email: 'nope', name: '', role: 'ROOT' });
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['email', 'name', 'role']);
  });

  it('imports a CSV roster all-or-nothing, enrolling into courses, with line-numbered errors', async () => {
    const c = await createCourse(api.prisma);
    const t = tag();
    const bad = await admin.post('/api/admin/users/import', {
      csv: `email,name,role,course\na-${t}@test.epoch,A,,${c.courseSlug}\nb-${t}@test.epoch,B,,no-such-course\n${users['student']!.email},S,,\n`,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_roster');
    expect(bad.body.error.details).toEqual([
      { path: 'line 3: course', message: 'no course "no-such-course"' },
      { path: 'line 4: email', message: `a user with email ${users['student']!.email} already exists` },
    ]);
    expect(await api.prisma.user.count({ where: { email: `a-${t}@test.epoch` } })).toBe(0);
    const ok = await admin.post('/api/admin/users/import', {
      csv: `email,name,role,password,course\na-${t}@test.epoch,A,,,${c.courseSlug}\nb-${t}@test.epoch,B,instructor,a-long-password-b,${c.courseSlug}\n`,
    });
    expect(ok.status).toBe(201);
    expect(ok.body.created).toHaveLength(2);
    expect(ok.body.created[0]).toMatchObject({ email: `a-${t}@test.epoch`, role: 'STUDENT', course: c.courseSlug, initialPassword: expect.any(String) });
    expect(ok.body.created[1]).not.toHaveProperty('initialPassword');
    const enrollments = await api.prisma.enrollment.findMany({ where: { courseId: c.courseId }, include: { user: true } });
    expect(enrollments.map((e) => [e.user.email, e.role]).sort()).toEqual([
      [`a-${t}@test.epoch`, 'STUDENT'],
      [`b-${t}@test.epoch`, 'INSTRUCTOR'],
    ]);
  });

  it('creates courses and assigns instructors; students may join with the generated code', async () => {
    const slug = `made-${tag()}`;
    const r = await admin.post('/api/admin/courses', { slug, title: 'Made here' });
    expect(r.status).toBe(201);
    expect(r.body.enrollmentCode).toMatch(/^[A-Z0-9]{12}$/);
    expect((await admin.post('/api/admin/courses', { slug, title: 'Again' })).status).toBe(409);
    expect((await admin.post('/api/admin/courses', { slug: 'Bad Slug!', title: '' })).body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'slug',
      'title',
    ]);
    const assign = await admin.post(`/api/admin/courses/${slug}/instructors`, { userId: users['teacher']!.id });
    expect(assign.status).toBe(200);
    expect((await teacher.get('/api/me')).body.courses).toContainEqual({ slug, title: 'Made here', role: 'INSTRUCTOR' });
    const notInstructor = await admin.post(`/api/admin/courses/${slug}/instructors`, { userId: users['student']!.id });
    expect(notInstructor.status).toBe(400);
    expect((await admin.post(`/api/admin/courses/no-such/instructors`, { userId: users['teacher']!.id })).status).toBe(404);
    expect((await student.post('/api/enrollments', { enrollmentCode: r.body.enrollmentCode })).body.slug).toBe(slug);
  });

  it('lists courses with codes and counts, shows one with its enrollments, and enrolls students', async () => {
    const c = await createCourse(api.prisma);
    const t = tag();
    const made = await admin.post('/api/admin/users/import', {
      csv: `email,name,role,password\nsa-${t}@test.epoch,Stu A,,a-long-password-a\nsb-${t}@test.epoch,Stu B,,a-long-password-b\n`,
    });
    const [a, b] = made.body.created as { id: string; email: string }[];
    await enroll(api.prisma, a!.id, c.courseId);
    expect((await admin.post(`/api/admin/courses/${c.courseSlug}/instructors`, { userId: users['teacher']!.id })).status).toBe(200);

    const list = await admin.get('/api/admin/courses');
    expect(list.status).toBe(200);
    expect(list.body.items.find((x: { slug: string }) => x.slug === c.courseSlug)).toEqual({
      id: c.courseId,
      slug: c.courseSlug,
      title: expect.any(String),
      description: '',
      enrollmentCode: c.enrollmentCode,
      createdAt: expect.any(String),
      students: 1,
      instructors: 1,
      exercises: 1,
    });
    expect(list.body.items.find((x: { slug: string }) => x.slug === 'cifar10-intro')).toMatchObject({ enrollmentCode: 'CIFAR10-DEMO', exercises: 3 });

    const enrolled = await admin.post(`/api/admin/courses/${c.courseSlug}/students`, { userId: b!.id });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toEqual({
      userId: b!.id,
      email: b!.email,
      name: 'Stu B',
      userRole: 'STUDENT',
      courseRole: 'STUDENT',
      enrolledAt: expect.any(String),
    });
    expect((await admin.post(`/api/admin/courses/${c.courseSlug}/students`, { userId: b!.id })).status).toBe(200); // again: harmless
    expect(await api.prisma.auditLog.count({ where: { action: 'course.enroll-student', entityId: c.courseId } })).toBe(2);

    const detail = await admin.get(`/api/admin/courses/${c.courseSlug}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ slug: c.courseSlug, enrollmentCode: c.enrollmentCode, students: 2, instructors: 1, exercises: 1 });
    expect(detail.body.enrollments.map((e: { email: string; courseRole: string }) => [e.email, e.courseRole])).toEqual([
      [users['teacher']!.email, 'INSTRUCTOR'],
      [a!.email, 'STUDENT'],
      [b!.email, 'STUDENT'],
    ]);

    const teacherAsStudent = await admin.post(`/api/admin/courses/${c.courseSlug}/students`, { userId: users['teacher']!.id });
    expect(teacherAsStudent.status).toBe(400);
    expect(teacherAsStudent.body.error.message).toBe(`${users['teacher']!.email} is a INSTRUCTOR, not a STUDENT`);
    expect((await admin.post(`/api/admin/courses/${c.courseSlug}/students`, { userId: 'nobody' })).body.error.details).toEqual([
      { path: 'userId', message: 'unknown user' },
    ]);
    expect((await admin.post(`/api/admin/courses/${c.courseSlug}/students`, {})).body.error.details).toEqual([{ path: 'userId', message: expect.any(String) }]);
    expect((await admin.post('/api/admin/courses/no-such/students', { userId: b!.id })).status).toBe(404);
    expect((await admin.get('/api/admin/courses/no-such')).status).toBe(404);
  });

  it('lists users with pagination', async () => {
    const r = await admin.get('/api/admin/users?pageSize=2&page=1');
    expect(r.body).toMatchObject({ page: 1, pageSize: 2, total: expect.any(Number) });
    expect(r.body.items).toHaveLength(2);
    expect(r.body.total).toBeGreaterThanOrEqual(3);
    const instructors = await admin.get('/api/admin/users?role=INSTRUCTOR&pageSize=100');
    expect(instructors.body.items.length).toBeGreaterThan(0);
    expect(instructors.body.items.every((u: { role: string }) => u.role === 'INSTRUCTOR')).toBe(true);
    expect(instructors.body.items.map((u: { id: string }) => u.id)).toContain(users['teacher']!.id);
    expect(instructors.body.total).toBe(await api.prisma.user.count({ where: { role: 'INSTRUCTOR' } }));
    expect((await admin.get('/api/admin/users?role=ROOT')).body.error.details.map((d: { path: string }) => d.path)).toEqual(['role']);
  });

  it("shows students the policy's visible parts and their quota on the exercise", async () => {
    const c = await createCourse(api.prisma, { dailyQuota: 5, reuseCachedResults: true });
    await enroll(api.prisma, users['student']!.id, c.courseId);
    await enroll(api.prisma, users['teacher']!.id, c.courseId, 'INSTRUCTOR');
    const r = await student.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      slug: c.exercise,
      courseSlug: c.courseSlug,
      starterCode: expect.any(String),
      policy: { minTestAccuracy: 0.3, dailyQuota: 5, version: 1, maxTrainingMacs: 3.6e14, maxActivationMiB: 1024, maxParamMiB: 1024 },
    });
    // for the editor's cost preview: the graders alive and their recent throughput (null before any graded job)
    expect(r.body.graders.alive).toBeGreaterThanOrEqual(0);
    expect(r.body.graders).toHaveProperty('macsPerSecond');
    expect(r.body.policy).not.toHaveProperty('reuseCachedResults');
    expect(r.body.quota).toEqual({ usedToday: 0, dailyLeft: 5, usedTotal: 0, totalLeft: null });
    expect((await teacher.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}`)).body.quota).toBeNull();
  });

  it('versions a policy change with its history row, audit entry and re-decision of stored results, in one go', async () => {
    const c = await createCourse(api.prisma, { minTestAccuracy: 0.5 });
    await enroll(api.prisma, users['teacher']!.id, c.courseId, 'INSTRUCTOR');
    await enroll(api.prisma, users['student']!.id, c.courseId);
    const result = (testAccuracy: number) => ({
      create: {
        testAccuracy,
        testLoss: 1,
        perClassAccuracy: [],
        confusionMatrix: [],
        attempt: 1,
        backend: 'cpu',
        backendVersions: {},
        seed: 42,
        queueWaitMs: 0,
        trainingMs: 0,
        evaluationMs: 0,
      },
    });
    const mk = (status: 'PASSED' | 'FAILED', acc: number) =>
      api.prisma.submission.create({
        data: {
          userId: users['student']!.id,
          exerciseId: c.exerciseId,
          source: 'x',
          idempotencyKey: `k-${tag()}`,
          policyVersion: 1,
          status,
          result: result(acc),
        },
      });
    const [passHigh, passLow, failLow, failMid] = [await mk('PASSED', 0.8), await mk('PASSED', 0.55), await mk('FAILED', 0.2), await mk('FAILED', 0.45)];

    const view = await teacher.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ version: 1, policy: { minTestAccuracy: 0.5 } });
    const next = { ...view.body.policy, minTestAccuracy: 0.6 };
    expect((await teacher.put(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`, next)).status).toBe(403);
    expect((await student.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`)).status).toBe(403);

    const r = await admin.put(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`, next);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 2, policy: { minTestAccuracy: 0.6 }, redecided: { passedToFailed: 1, failedToPassed: 0 } });
    const status = async (id: string) => (await api.prisma.submission.findUniqueOrThrow({ where: { id } })).status;
    expect([await status(passHigh.id), await status(passLow.id), await status(failLow.id), await status(failMid.id)]).toEqual([
      'PASSED',
      'FAILED',
      'FAILED',
      'FAILED',
    ]);
    const change = await api.prisma.gradingPolicyChange.findUniqueOrThrow({ where: { exerciseId_version: { exerciseId: c.exerciseId, version: 2 } } });
    expect(change.changedById).toBe(users['admin']!.id);
    expect(change.oldValues).toMatchObject({ minTestAccuracy: 0.5 });
    expect(change.newValues).toMatchObject({ minTestAccuracy: 0.6 });
    const audits = await api.prisma.auditLog.findMany({ where: { entityId: c.exerciseId }, orderBy: { createdAt: 'asc' } });
    expect(audits.map((a) => a.action)).toEqual(['submission.redecide', 'policy.update']);
    expect(audits[1]!.data).toMatchObject({ version: 2, old: { minTestAccuracy: 0.5 }, new: { minTestAccuracy: 0.6 } });

    const lower = await admin.put(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`, { ...next, minTestAccuracy: 0.4 });
    expect(lower.body).toMatchObject({ version: 3, redecided: { passedToFailed: 0, failedToPassed: 2 } });
    expect(await status(failMid.id)).toBe('PASSED');
    // The same policy again changes nothing and bumps nothing.
    const same = await admin.put(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`, lower.body.policy);
    expect(same.body.version).toBe(3);
    expect(ZGradingPolicy.safeParse(same.body.policy).success).toBe(true);

    // The history: newest first, who and what, old -> new; staff may read it, students may not.
    const history = await teacher.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy/history`);
    expect(history.status).toBe(200);
    const adminRef = { id: users['admin']!.id, name: 'admin', email: users['admin']!.email };
    expect(history.body).toEqual({
      exerciseSlug: c.exercise,
      items: [
        {
          version: 3,
          changedAt: expect.any(String),
          changedBy: adminRef,
          kind: 'change',
          source: 'web',
          changes: [{ field: 'minTestAccuracy', old: 0.6, new: 0.4 }],
        },
        {
          version: 2,
          changedAt: expect.any(String),
          changedBy: adminRef,
          kind: 'change',
          source: 'web',
          changes: [{ field: 'minTestAccuracy', old: 0.5, new: 0.6 }],
        },
      ],
    });
    expect(new Date(history.body.items[0].changedAt).getTime()).toBeGreaterThanOrEqual(new Date(history.body.items[1].changedAt).getTime());
    expect((await student.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy/history`)).status).toBe(403);
  });

  it('edits the cost limits like any field: stored in their columns, in the history, and checked at the next submission', async () => {
    const c = await createCourse(api.prisma, {});
    await enroll(api.prisma, users['student']!.id, c.courseId);
    const view = await admin.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`);
    expect(view.body.policy).toMatchObject({ maxTrainingMacs: 3.6e14, maxActivationMiB: 1024, maxParamMiB: 1024 });
    const r = await admin.put(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`, {
      ...view.body.policy,
      maxTrainingMacs: 5e11,
      maxActivationMiB: 256,
    });
    expect(r.status).toBe(200);
    expect(r.body.policy).toMatchObject({ maxTrainingMacs: 5e11, maxActivationMiB: 256, maxParamMiB: 1024 });
    expect(await api.prisma.gradingPolicy.findUniqueOrThrow({ where: { exerciseId: c.exerciseId } })).toMatchObject({
      maxTrainingMacs: 5e11,
      maxActivationMiB: 256,
    });
    const history = await admin.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy/history`);
    expect(history.body.items[0].changes).toEqual([
      { field: 'maxTrainingMacs', old: 3.6e14, new: 5e11 },
      { field: 'maxActivationMiB', old: 1024, new: 256 },
    ]);
    // The dense solution needs 1.07e12 multiply-adds: over the new limit.
    const check = await student.post('/api/submissions/check', { course: c.courseSlug, exercise: c.exercise, source: c.solution });
    expect(check.body.check.errors[0].message).toMatch(/^Training this model is too much work: layer dense \(Dense 256\)/);
  });

  it("shows the seeded first version of a demo exercise's policy as its initial version", async () => {
    const r = await admin.get('/api/courses/cifar10-intro/exercises/cifar10-dense/policy/history');
    expect(r.status).toBe(200);
    const first = r.body.items.at(-1);
    expect(first).toMatchObject({ version: 1, changedBy: null, kind: 'initial' });
    expect(first.changes).toContainEqual({ field: 'requiredEpochs', old: null, new: 10 });
  });

  it('refuses an invalid policy with every field path, changing nothing', async () => {
    const c = await createCourse(api.prisma);
    const current = (await admin.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`)).body.policy;
    const r = await admin.put(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`, {
      ...current,
      minTestAccuracy: 1.5,
      maxEpochs: 5,
      requiredEpochs: 10,
      colour: 'blue',
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['(root)', 'minTestAccuracy', 'requiredEpochs']);
    const r2 = await admin.put(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`, { ...current, maxEpochs: 5, requiredEpochs: 10 });
    expect(r2.body.error.details).toEqual([{ path: 'requiredEpochs', message: 'requiredEpochs cannot exceed maxEpochs' }]);
    expect((await admin.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/policy`)).body.version).toBe(1);
    expect((await admin.put(`/api/courses/${c.courseSlug}/exercises/no-such-exercise/policy`, current)).status).toBe(404);
  });
});
