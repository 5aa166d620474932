import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createCourse, createUsers, enroll, signedIn, startApi, tag, type ApiUnderTest, type TestUser } from './api-harness';

const HOUR = 3_600_000;

describe('API: schedule, extensions, time zone and gradebook', () => {
  let api: ApiUnderTest;
  let users: Record<string, TestUser>;
  let course: Awaited<ReturnType<typeof createCourse>>;
  let other: Awaited<ReturnType<typeof createCourse>>;
  let teacher: Client;
  let otherTeacher: Client;
  let ann: Client;
  let admin: Client;
  let base: string;
  const ids: Record<string, string> = {};

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
      trainingMs: 1000,
      evaluationMs: 0,
    },
  });

  beforeAll(async () => {
    api = await startApi();
    users = await createUsers(api.prisma, [
      { key: 'ann', role: 'STUDENT' },
      { key: 'bob', role: 'STUDENT' },
      { key: 'teacher', role: 'INSTRUCTOR' },
      { key: 'elsewhere', role: 'INSTRUCTOR' },
      { key: 'admin', role: 'ADMIN' },
    ]);
    // Deadline an hour ago, late work counts 80% for a day.
    course = await createCourse(api.prisma, { minTestAccuracy: 0.5, deadline: new Date(Date.now() - HOUR), lateCredit: [{ hours: 24, credit: 0.8 }] });
    other = await createCourse(api.prisma);
    for (const k of ['ann', 'bob']) await enroll(api.prisma, users[k]!.id, course.courseId);
    await enroll(api.prisma, users['teacher']!.id, course.courseId, 'INSTRUCTOR');
    await enroll(api.prisma, users['elsewhere']!.id, other.courseId, 'INSTRUCTOR');
    const mk = async (key: string, user: string, status: 'PASSED' | 'FAILED', acc: number, minutesAgo: number, late: boolean, credit: number) => {
      const s = await api.prisma.submission.create({
        data: {
          userId: users[user]!.id,
          exerciseId: course.exerciseId,
          source: `# ${key}`,
          idempotencyKey: `k-${tag()}`,
          policyVersion: 1,
          status,
          late,
          credit,
          createdAt: new Date(Date.now() - minutesAgo * 60_000),
          modelSpec: { stored: true },
          result: result(acc),
        },
      });
      ids[key] = s.id;
    };
    await mk('ann1', 'ann', 'PASSED', 0.72, 30, true, 0.8); // late: 30 min ago, after the deadline an hour ago
    await mk('bob1', 'bob', 'PASSED', 0.6, 120, false, 1);
    [teacher, otherTeacher, ann, admin] = await Promise.all(['teacher', 'elsewhere', 'ann', 'admin'].map((k) => signedIn(api.base, users[k]!)));
    base = `/api/courses/${course.courseSlug}`;
  });
  afterAll(async () => {
    await api?.stop();
  });

  it("lets the course's staff read and change the schedule; students get 403, other courses' staff 404", async () => {
    const path = `${base}/exercises/${course.exercise}/schedule`;
    const r = await teacher.get(path);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      timeZone: 'UTC',
      version: 1,
      schedule: { latePolicy: 'ACCEPT', lateCredit: [{ hours: 24, credit: 0.8 }], countedResult: 'BEST' },
    });
    expect((await ann.get(path)).status).toBe(403);
    expect((await otherTeacher.get(path)).status).toBe(404);
    const next = { ...r.body.schedule, deadline: new Date(Date.now() + 5 * HOUR).toISOString() };
    expect((await ann.put(path, next)).status).toBe(403);
    expect((await otherTeacher.put(path, next)).status).toBe(404);
    const bad = await teacher.put(path, {
      ...next,
      lateCredit: [
        { hours: 48, credit: 0.5 },
        { hours: 24, credit: 0.8 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'lateCredit' })]);
    // Staff cannot reach the admins' part of the policy through the schedule.
    expect((await teacher.put(path, { ...next, minTestAccuracy: 0.1 })).status).toBe(400);
    expect((await teacher.put(`${base}/exercises/${course.exercise}/policy`, {})).status).toBe(403);

    const saved = await teacher.put(path, next);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: 2, redecided: { passedToFailed: 0, failedToPassed: 0, recredited: 1 } });
    // ann's late pass is now in time: full credit, without retraining.
    expect(await api.prisma.submission.findUniqueOrThrow({ where: { id: ids['ann1']! } })).toMatchObject({ status: 'PASSED', late: false, credit: 1 });
    const history = await teacher.get(`${base}/exercises/${course.exercise}/policy/history`);
    expect(history.body.items[0]).toMatchObject({ version: 2, changedBy: { email: users['teacher']!.email }, changes: [{ field: 'deadline' }] });
    // Back to the deadline in the past for the rest of the file.
    expect((await teacher.put(path, { ...next, deadline: new Date(Date.now() - HOUR).toISOString() })).body.redecided.recredited).toBe(1);
  });

  it("extensions: staff set and remove them, the student's results are re-decided and the student sees their own deadline", async () => {
    const path = `${base}/exercises/${course.exercise}/exceptions/${users['ann']!.id}`;
    const body = { deadline: new Date(Date.now() + 24 * HOUR).toISOString(), extraSubmissions: 2, note: 'medical' };
    expect((await ann.put(path, body)).status).toBe(403);
    expect((await otherTeacher.put(path, body)).status).toBe(404);
    expect((await teacher.put(`${base}/exercises/${course.exercise}/exceptions/${users['teacher']!.id}`, body)).status).toBe(404);
    expect((await teacher.put(path, { ...body, extraSubmissions: -1 })).status).toBe(400);
    const set = await teacher.put(path, body);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ email: users['ann']!.email, extraSubmissions: 2, note: 'medical', version: 1, recredited: 1 });
    expect(await api.prisma.submission.findUniqueOrThrow({ where: { id: ids['ann1']! } })).toMatchObject({ late: false, credit: 1 });
    const list = await teacher.get(`${base}/exercises/${course.exercise}/exceptions`);
    expect(list.body.items.map((x: { userId: string }) => x.userId)).toEqual([users['ann']!.id]);
    expect((await ann.get(`${base}/exercises/${course.exercise}/exceptions`)).status).toBe(403);

    const mine = await ann.get(`${base}/exercises/${course.exercise}/schedule/me`);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ extended: true, window: 'ON_TIME', creditNow: 1, extraSubmissions: 2, deadline: new Date(body.deadline).toISOString() });
    const bobs = await (await signedIn(api.base, users['bob']!)).get(`${base}/exercises/${course.exercise}/schedule/me`);
    expect(bobs.body).toMatchObject({ extended: false, window: 'LATE', creditNow: 0.8, lateCredit: [{ hours: 24, credit: 0.8 }] });

    const audit = await admin.get(`/api/admin/audit?action=exception.update`);
    expect(audit.status).toBe(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'exception.update' });
  });

  it('the course time zone is validated and staff-only', async () => {
    expect((await ann.put(`${base}/time-zone`, { timeZone: 'Europe/Berlin' })).status).toBe(403);
    expect((await otherTeacher.put(`${base}/time-zone`, { timeZone: 'Europe/Berlin' })).status).toBe(404);
    const bad = await teacher.put(`${base}/time-zone`, { timeZone: 'Mars/Olympus_Mons' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({ path: 'timeZone', message: expect.stringContaining('IANA') });
    expect((await teacher.put(`${base}/time-zone`, { timeZone: 'Europe/Berlin' })).body).toEqual({ courseSlug: course.courseSlug, timeZone: 'Europe/Berlin' });
    expect((await teacher.get(`${base}/exercises/${course.exercise}/schedule`)).body.timeZone).toBe('Europe/Berlin');
  });

  it('the gradebook: JSON and CSV for staff, a student sees only their own row', async () => {
    const r = await teacher.get(`${base}/gradebook?sort=total&order=desc`);
    expect(r.status).toBe(200);
    expect(r.body.exercises).toEqual([expect.objectContaining({ slug: course.exercise, countedResult: 'BEST' })]);
    expect(r.body.rows.map((x: { name: string; total: number }) => [x.name, x.total])).toEqual([
      ['ann', 1],
      ['bob', 1],
    ]);
    expect(r.body.rows[0].cells[0]).toMatchObject({ extended: true, counted: { submissionId: ids['ann1'], status: 'PASSED', credit: 1 } });
    const filtered = await teacher.get(`${base}/gradebook?q=BOB`);
    expect(filtered.body.rows.map((x: { name: string }) => x.name)).toEqual(['bob']);
    expect((await teacher.get(`${base}/gradebook?sort=grade`)).status).toBe(400);

    const csv = await teacher.get(`${base}/gradebook?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${course.courseSlug}-gradebook.csv"`);
    const lines = (csv.body as string).trim().split('\n');
    const e = course.exercise;
    expect(lines[0]).toBe(`email,name,user_id,${e}_score,${e}_status,${e}_test_accuracy,${e}_late,${e}_credit,${e}_extension,total,passed`);
    expect(lines).toContain(`${users['ann']!.email},ann,${users['ann']!.id},1,PASSED,0.72,no,1,yes,1,1`);

    expect((await ann.get(`${base}/gradebook`)).status).toBe(403);
    expect((await ann.get(`${base}/gradebook?format=csv`)).status).toBe(403);
    expect((await otherTeacher.get(`${base}/gradebook`)).status).toBe(404);
    const own = await ann.get(`${base}/gradebook/me`);
    expect(own.status).toBe(200);
    expect(own.body.row).toMatchObject({ userId: users['ann']!.id, total: 1 });
    expect(JSON.stringify(own.body)).not.toContain(users['bob']!.email);
    expect((await teacher.get(`${base}/gradebook/me`)).status).toBe(404);
    expect((await otherTeacher.get(`${base}/gradebook/me`)).status).toBe(404);

    // Removing the extension re-decides ann's result back to the late credit, and the gradebook follows.
    const del = await teacher.request('DELETE', `${base}/exercises/${course.exercise}/exceptions/${users['ann']!.id}`);
    expect(del).toMatchObject({ status: 200, body: { deleted: true } });
    expect((await teacher.request('DELETE', `${base}/exercises/${course.exercise}/exceptions/${users['ann']!.id}`)).status).toBe(404);
    expect((await ann.get(`${base}/gradebook/me`)).body.row).toMatchObject({ total: 0.8, cells: [{ extended: false, counted: { late: true, credit: 0.8 } }] });
  });
});
