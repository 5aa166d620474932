import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, stopRedis, waitFor } from '../helpers';
import { Client, createCourse, createUsers, enroll, signedIn, startApi, type ApiUnderTest, type TestUser } from './api-harness';

describe('API with Redis down: 503 "temporarily unavailable", not 500, and back when Redis is', () => {
  let api: ApiUnderTest;
  let redis: ChildProcess;
  let dir: string;
  let port: number;
  let users: Record<string, TestUser>;
  let student: Client;
  let queued = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'epoch-outage-'));
    port = await freePort();
    redis = await startRedis(port, dir);
    api = await startApi({ REDIS_URL: `redis://127.0.0.1:${port}` });
    users = await createUsers(api.prisma, [{ key: 'student', role: 'STUDENT' }]);
    const course = await createCourse(api.prisma);
    await enroll(api.prisma, users['student']!.id, course.courseId);
    student = await signedIn(api.base, users['student']!);
    const r = await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution });
    expect(r.body.status).toBe('QUEUED');
    queued = r.body.id;
  });
  afterAll(async () => {
    await api?.stop();
    if (redis) await stopRedis(redis);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("answers sign-in and a queued submission's progress 503 with a clear message while Redis is down", async () => {
    expect((await student.get(`/api/submissions/${queued}/progress`)).status).toBe(200);
    await stopRedis(redis);
    const signIn = await new Client(api.base).post('/api/auth/sign-in', { email: users['student']!.email, password: users['student']!.password });
    expect(signIn.status).toBe(503);
    expect(signIn.body).toEqual({
      error: {
        code: 'temporarily_unavailable',
        message: 'Epoch is temporarily unavailable: its queue and rate-limit store (Redis) does not answer. Try again in a minute.',
      },
    });
    const progress = await student.get(`/api/submissions/${queued}/progress`);
    expect(progress.status).toBe(503);
    expect(progress.body.error.code).toBe('temporarily_unavailable');
    // What needs only Postgres still works.
    expect((await student.get(`/api/submissions/${queued}`)).status).toBe(200);
  });

  it('answers normally again once Redis is back', async () => {
    redis = await startRedis(port, dir);
    await waitFor(
      async () => ((await new Client(api.base).signIn(users['student']!.email, users['student']!.password)).status === 200 ? true : undefined),
      20_000,
      'sign-in after Redis came back',
    );
    expect((await student.get(`/api/submissions/${queued}/progress`)).status).toBe(200);
  });
});
