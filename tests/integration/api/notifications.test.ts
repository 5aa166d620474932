import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, createUsers, enroll, signedIn, startApi, type ApiUnderTest, type TestUser } from './api-harness';

/** The notification preferences, result notices, attempts and overview routes: who may see what, and bad input. */
describe('notifications, attempts and overview over HTTP (real API and Postgres)', () => {
  let api: ApiUnderTest;
  let users: Record<string, TestUser>;
  let course: Awaited<ReturnType<typeof createCourse>>;
  let base: string;

  beforeAll(async () => {
    api = await startApi();
    users = await createUsers(api.prisma, [
      { key: 'teacher', role: 'INSTRUCTOR' },
      { key: 'ada', role: 'STUDENT' },
      { key: 'bo', role: 'STUDENT' },
      { key: 'stranger', role: 'STUDENT' },
    ]);
    course = await createCourse(api.prisma);
    await enroll(api.prisma, users['teacher']!.id, course.courseId, 'INSTRUCTOR');
    await enroll(api.prisma, users['ada']!.id, course.courseId);
    await enroll(api.prisma, users['bo']!.id, course.courseId);
    base = `/api/courses/${course.courseSlug}`;
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('preferences: defaults, saved per user, refused with the field when malformed', async () => {
    const ada = await signedIn(api.base, users['ada']!);
    expect((await ada.get('/api/me/notification-preferences')).body).toEqual({ emailOnResult: false, reminders: false, browser: true, emailAvailable: false });
    const put = await ada.put('/api/me/notification-preferences', { emailOnResult: true, reminders: true, browser: false });
    expect([put.status, put.body]).toEqual([200, { emailOnResult: true, reminders: true, browser: false, emailAvailable: false }]);
    const bad = await ada.put('/api/me/notification-preferences', { emailOnResult: 'yes', reminders: true, browser: true });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('emailOnResult');
    // Without the CSRF header the change is refused.
    expect(
      (await ada.put('/api/me/notification-preferences', { emailOnResult: false, reminders: false, browser: true }, { 'x-csrf-token': 'wrong' })).status,
    ).toBe(403);
    const bo = await signedIn(api.base, users['bo']!);
    expect((await bo.get('/api/me/notification-preferences')).body.emailOnResult).toBe(false);
  });

  it('result notices: only the caller’s own ended submissions after `since`; a bad `since` is a 400 naming it', async () => {
    const ada = await signedIn(api.base, users['ada']!);
    const before = new Date(Date.now() - 1000).toISOString();
    await api.prisma.submission.create({
      data: {
        userId: users['ada']!.id,
        exerciseId: course.exerciseId,
        source: '#',
        idempotencyKey: 'notice-1',
        policyVersion: 1,
        status: 'REJECTED',
        finishedAt: new Date(),
        errorMessage: 'too big',
      },
    });
    const r = await ada.get(`/api/me/result-notices?since=${encodeURIComponent(before)}`);
    expect(r.status).toBe(200);
    expect(r.body.notices.map((n: { status: string; exerciseSlug: string }) => [n.status, n.exerciseSlug])).toEqual([['REJECTED', course.exercise]]);
    const bo = await signedIn(api.base, users['bo']!);
    expect((await bo.get(`/api/me/result-notices?since=${encodeURIComponent(before)}`)).body.notices).toEqual([]);
    const bad = await ada.get('/api/me/result-notices?since=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('since');
  });

  it('attempts: a student sees their own only, staff any student of the course, nobody a stranger by id; the overview is staff-only', async () => {
    const ada = await signedIn(api.base, users['ada']!);
    const own = await ada.get(`${base}/exercises/${course.exercise}/attempts/${users['ada']!.id}`);
    expect(own.status).toBe(200);
    expect(own.body.student.email).toBe(users['ada']!.email);
    expect(own.body.attempts).toHaveLength(1);
    expect((await ada.get(`${base}/exercises/${course.exercise}/attempts/${users['bo']!.id}`)).status).toBe(404);
    const teacher = await signedIn(api.base, users['teacher']!);
    expect((await teacher.get(`${base}/exercises/${course.exercise}/attempts/${users['ada']!.id}`)).body.attempts).toHaveLength(1);
    expect((await teacher.get(`${base}/exercises/${course.exercise}/attempts/${users['stranger']!.id}`)).status).toBe(404);
    expect((await ada.get(`${base}/overview`)).status).toBe(403);
    const overview = await teacher.get(`${base}/overview`);
    expect(overview.status).toBe(200);
    expect(overview.body.exercises[0]).toMatchObject({
      slug: course.exercise,
      students: 2,
      submitted: 1,
      passed: 0,
      failures: [{ kind: 'REJECTED', reason: 'too big', count: 1 }],
    });
    const stranger = await signedIn(api.base, users['stranger']!);
    expect((await stranger.get(`${base}/overview`)).status).toBe(404);
  });
});
