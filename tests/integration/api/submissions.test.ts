import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GRADING_QUEUES, WORKER_HEARTBEAT_PREFIX } from '@epoch/contracts';
import { closeGradingQueues, findGradingJob, openGradingQueues } from '@epoch/grading';
import { Redis } from 'ioredis';
import { waitFor } from '../helpers';
import { Client, createCourse, createUsers, enroll, signedIn, startApi, tag, type ApiUnderTest, type TestUser } from './api-harness';

const BROKEN = 'model = Sequential([Dense(10, activation="softmax")]\n';

describe('API submissions (real process, Postgres, Redis queue)', () => {
  let api: ApiUnderTest;
  let queue: Queue;
  let users: Record<string, TestUser>;
  let course: Awaited<ReturnType<typeof createCourse>>;
  let student: Client;
  let other: Client;
  let teacher: Client;
  let outsider: Client;

  beforeAll(async () => {
    // The dense solution (10 epochs, full data: ~1.1e12 multiply-accumulates) counts as heavy here.
    api = await startApi({ EPOCH_RECONCILE_SECONDS: '1', EPOCH_GPU_MIN_WORK_MACS: '1e12' });
    queue = new Queue(GRADING_QUEUES.general, { connection: { url: inject('redisUrl') }, prefix: api.prefix });
    users = await createUsers(api.prisma, [
      { key: 'student', role: 'STUDENT' },
      { key: 'other', role: 'STUDENT' },
      { key: 'teacher', role: 'INSTRUCTOR' },
      { key: 'outsider', role: 'STUDENT' },
      { key: 'quota', role: 'STUDENT' },
    ]);
    course = await createCourse(api.prisma);
    for (const k of ['student', 'other', 'quota']) await enroll(api.prisma, users[k]!.id, course.courseId);
    await enroll(api.prisma, users['teacher']!.id, course.courseId, 'INSTRUCTOR');
    [student, other, teacher, outsider] = await Promise.all(['student', 'other', 'teacher', 'outsider'].map((k) => signedIn(api.base, users[k]!)));
  });
  afterAll(async () => {
    await queue?.close();
    await api?.stop();
  });

  it('stores a valid submission QUEUED with its ModelSpec, then enqueues it with jobId = submission id', async () => {
    const r = await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      course: course.courseSlug,
      exercise: course.exercise,
      status: 'QUEUED',
      late: false,
      userId: users['student']!.id,
      check: { ok: true },
    });
    const row = await api.prisma.submission.findUniqueOrThrow({ where: { id: r.body.id } });
    expect(row.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.modelSpec).toMatchObject({ epochs: 10, layers: expect.any(Array) });
    expect(row.queuedAt).not.toBeNull();
    const job = await queue.getJob(r.body.id);
    expect(job?.data).toEqual({ submissionId: r.body.id });
    // Every job has its place in the queue order (queue-order.ts): a graded submission, the student's first.
    expect(await job?.getState()).toBe('prioritized');
    expect(job?.priority).toBe(1);
  });

  it('routes a heavy submission to the GPU queue while a grader serves it, and to the general queue otherwise', async () => {
    const queues = openGradingQueues({ url: inject('redisUrl') }, api.prefix);
    const redis = new Redis(inject('redisUrl'));
    const key = `${api.prefix}:${WORKER_HEARTBEAT_PREFIX}gpu-${tag()}`;
    try {
      const before = await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution });
      expect((await findGradingJob(queues, before.body.id))?.kind).toBe('general');
      await redis.set(key, JSON.stringify({ worker: 'gpu-box', backend: 'node-gpu', threads: 1, queues: ['gpu', 'general'], since: Date.now() }), 'EX', 30);
      const heavy = await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution });
      expect((await findGradingJob(queues, heavy.body.id))?.kind).toBe('gpu');
      // Its progress and cancellation work wherever the job waits.
      expect((await student.get(`/api/submissions/${heavy.body.id}/progress`)).body.status).toBe('QUEUED');
      expect((await student.post(`/api/submissions/${heavy.body.id}/cancel`)).status).toBe(200);
      expect(await findGradingJob(queues, heavy.body.id)).toBeNull();
      await student.post(`/api/submissions/${before.body.id}/cancel`);
    } finally {
      await redis.del(key);
      await redis.quit();
      await closeGradingQueues(queues);
    }
  });

  it('stores a rejected submission with its diagnostics, answers at once and enqueues nothing', async () => {
    const r = await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: BROKEN });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('REJECTED');
    expect(r.body.check.ok).toBe(false);
    expect(r.body.diagnostics.length).toBeGreaterThan(0);
    expect(r.body.diagnostics[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number), severity: 'error' });
    expect(await queue.getJob(r.body.id)).toBeUndefined();
    expect((await api.prisma.submission.findUniqueOrThrow({ where: { id: r.body.id } })).modelSpec).toBeNull();
  });

  it("refuses a model over the exercise's cost limits at submission, naming the layer that costs most", async () => {
    // The dense solution: 792,064 multiply-adds per image, 1.07e12 for 10 epochs of 45,000 images.
    const cheap = await createCourse(api.prisma, { maxTrainingMacs: 1e11 });
    await enroll(api.prisma, users['other']!.id, cheap.courseId);
    const r = await other.post('/api/submissions', { course: cheap.courseSlug, exercise: cheap.exercise, source: cheap.solution });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('REJECTED');
    expect(r.body.check.errors[0].message).toMatch(
      /^Training this model is too much work: layer dense \(Dense 256\) needs 786\.4 k multiply-adds per image; the whole model needs 792\.1 k, the limit for this exercise is 74\.1 k \(10 epochs of 45,000 images\)/,
    );
    expect(await queue.getJob(r.body.id)).toBeUndefined();
    // The same code within the default limits is accepted.
    expect((await other.post('/api/submissions/check', { course: course.courseSlug, exercise: course.exercise, source: cheap.solution })).body.check.ok).toBe(
      true,
    );
  });

  it('checks without storing anything or using quota', async () => {
    const before = await api.prisma.submission.count({ where: { userId: users['student']!.id } });
    const ok = await student.post('/api/submissions/check', { course: course.courseSlug, exercise: course.exercise, source: course.solution });
    expect(ok.status).toBe(200);
    expect(ok.body.check).toMatchObject({ ok: true, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const bad = await student.post('/api/submissions/check', { course: course.courseSlug, exercise: course.exercise, source: BROKEN });
    expect(bad.body.check.ok).toBe(false);
    expect(bad.body.diagnostics.some((d: { severity: string }) => d.severity === 'error')).toBe(true);
    expect(await api.prisma.submission.count({ where: { userId: users['student']!.id } })).toBe(before);
    expect((await outsider.post('/api/submissions/check', { course: course.courseSlug, exercise: course.exercise, source: BROKEN })).status).toBe(404);
  });

  it('returns the first submission for a repeated Idempotency-Key, and refuses the key for another payload', async () => {
    const key = `key-${tag()}-double-click`;
    const [a, b] = await Promise.all([
      student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution }, { 'idempotency-key': key }),
      student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution }, { 'idempotency-key': key }),
    ]);
    expect(a.body.id).toBe(b.body.id);
    expect(await api.prisma.submission.count({ where: { userId: users['student']!.id, idempotencyKey: key } })).toBe(1);
    const again = await student.post(
      '/api/submissions',
      { course: course.courseSlug, exercise: course.exercise, source: course.solution },
      { 'idempotency-key': key },
    );
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(a.body.id);
    const reused = await student.post(
      '/api/submissions',
      { course: course.courseSlug, exercise: course.exercise, source: `${course.solution}\n# changed\n` },
      { 'idempotency-key': key },
    );
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    const badKey = await student.post(
      '/api/submissions',
      { course: course.courseSlug, exercise: course.exercise, source: course.solution },
      { 'idempotency-key': 'x' },
    );
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.details[0].path).toBe('Idempotency-Key');
    // Another user may use the same key: keys are per user.
    expect(
      (await other.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution }, { 'idempotency-key': key }))
        .status,
    ).toBe(201);
  });

  it('enforces the daily and total quotas; rejected, cancelled and infrastructure failures never count', async () => {
    const c = await createCourse(api.prisma, { dailyQuota: 2, totalQuota: 3 });
    await enroll(api.prisma, users['quota']!.id, c.courseId);
    const q = await signedIn(api.base, users['quota']!);
    const submit = () => q.post('/api/submissions', { course: c.courseSlug, exercise: c.exercise, source: c.solution });
    const first = await submit();
    expect(first.status).toBe(201);
    expect((await q.post('/api/submissions', { course: c.courseSlug, exercise: c.exercise, source: BROKEN })).body.status).toBe('REJECTED');
    expect((await q.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}`)).body.quota).toEqual({
      usedToday: 1,
      dailyLeft: 1,
      usedTotal: 1,
      totalLeft: 2,
    });
    const second = await submit();
    expect(second.status).toBe(201);
    const refused = await submit();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'quota_exhausted', details: [{ path: 'dailyQuota' }] });
    // The grader gave up on the first for reasons not the student's: that one is given back.
    await api.prisma.submission.update({ where: { id: first.body.id }, data: { status: 'ERROR', infraError: true } });
    const fourth = await submit();
    expect(fourth.status).toBe(201);
    // A student-caused ERROR counts.
    await api.prisma.submission.update({ where: { id: first.body.id }, data: { infraError: false } });
    expect((await submit()).status).toBe(429);
    // Yesterday's do not count today, but still count in total (3 used: first, second, fourth).
    await api.prisma.submission.update({ where: { id: second.body.id }, data: { createdAt: new Date(Date.now() - 2 * 86_400_000) } });
    const total = await submit();
    expect(total.status).toBe(429);
    expect(total.body.error.details[0].path).toBe('totalQuota');
    // Cancelled ones do not count.
    expect((await q.post(`/api/submissions/${fourth.body.id}/cancel`)).status).toBe(200);
    expect((await submit()).status).toBe(201);
  });

  it('answers a retry of the request that used the last quota slot with its submission, not a 429', async () => {
    const c = await createCourse(api.prisma, { totalQuota: 1 });
    await enroll(api.prisma, users['quota']!.id, c.courseId);
    const q = await signedIn(api.base, users['quota']!);
    const key = `key-${tag()}-last-slot`;
    const first = await q.post('/api/submissions', { course: c.courseSlug, exercise: c.exercise, source: c.solution }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const retry = await q.post('/api/submissions', { course: c.courseSlug, exercise: c.exercise, source: c.solution }, { 'idempotency-key': key });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    // A new request (another key) is refused: the quota is used up.
    expect(
      (await q.post('/api/submissions', { course: c.courseSlug, exercise: c.exercise, source: c.solution }, { 'idempotency-key': `${key}-new` })).status,
    ).toBe(429);
  });

  it('refuses late submissions or marks them late, per policy', async () => {
    const past = new Date(Date.now() - 60_000);
    const refuse = await createCourse(api.prisma, { deadline: past, latePolicy: 'REFUSE' });
    const accept = await createCourse(api.prisma, { deadline: past, latePolicy: 'ACCEPT' });
    const future = await createCourse(api.prisma, { deadline: new Date(Date.now() + 86_400_000), latePolicy: 'REFUSE' });
    for (const c of [refuse, accept, future]) await enroll(api.prisma, users['other']!.id, c.courseId);
    // A student with an extension of the refusing exercise submits in time; the extension is theirs alone.
    await enroll(api.prisma, users['student']!.id, refuse.courseId);
    await api.prisma.studentException.create({
      data: { exerciseId: refuse.exerciseId, userId: users['student']!.id, deadline: new Date(Date.now() + 3_600_000) },
    });
    const extended = await student.post('/api/submissions', { course: refuse.courseSlug, exercise: refuse.exercise, source: refuse.solution });
    expect(extended.status).toBe(201);
    expect(extended.body.late).toBe(false);
    const r = await other.post('/api/submissions', { course: refuse.courseSlug, exercise: refuse.exercise, source: refuse.solution });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('deadline_passed');
    const a = await other.post('/api/submissions', { course: accept.courseSlug, exercise: accept.exercise, source: accept.solution });
    expect(a.status).toBe(201);
    expect(a.body.late).toBe(true);
    const f = await other.post('/api/submissions', { course: future.courseSlug, exercise: future.exercise, source: future.solution });
    expect(f.body.late).toBe(false);
  });

  it('limits the source to 64 KiB and the body to the configured size', async () => {
    const big = `${course.solution}\n#${'x'.repeat(64 * 1024)}`;
    const r = await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: big });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: 'source_too_large', details: [{ path: 'source' }] });
    const huge = await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const malformed = await fetch(`${api.base}/api/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: student.cookie!, 'x-csrf-token': student.csrf! },
      body: '{"exercise":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('malformed_json');
  });

  it('refuses a NUL character in the source with 400 naming where it is (Postgres cannot store one: it was a 500)', async () => {
    for (const path of ['/api/submissions', '/api/submissions/check']) {
      const r = await student.post(path, { course: course.courseSlug, exercise: course.exercise, source: `model = 1\nx = 'a\u0000b'\n` });
      expect(r.status, path).toBe(400);
      expect(r.body.error.details).toEqual([{ path: 'source', message: 'the source contains a NUL character (U+0000) at line 2, column 7; remove it' }]);
    }
  });

  it('stores and answers at most 100 diagnostics and a count of the rest, however many the source yields', async () => {
    const flood = `${'x\n'.repeat(18_000)}`;
    const r = await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: flood });
    expect(r.status).toBe(201);
    expect(r.body.diagnostics).toHaveLength(101);
    expect(r.body.diagnostics[100]).toMatchObject({ code: 'more-diagnostics', message: expect.stringMatching(/^[\d,]+ more problems not shown/) });
    const row = await api.prisma.submission.findUniqueOrThrow({ where: { id: r.body.id } });
    expect(JSON.stringify(row.diagnostics).length).toBeLessThan(40_000);
  });

  it("validates the body with field paths and hides exercises outside the caller's courses", async () => {
    const r = await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([{ path: 'source', message: expect.any(String) }]);
    const hidden = await outsider.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution });
    expect(hidden.status).toBe(404);
    const missing = await student.post('/api/submissions', { course: course.courseSlug, exercise: 'no-such-exercise', source: course.solution });
    expect(missing.status).toBe(404);
    expect(hidden.body.error.message).toBe(`no exercise "${course.exercise}" in course "${course.courseSlug}" among your courses`);
  });

  it("lists only the caller's own history, newest first, paginated", async () => {
    const mine = await api.prisma.submission.count({ where: { userId: users['student']!.id, exerciseId: course.exerciseId } });
    const page1 = await student.get(`/api/submissions?course=${course.courseSlug}&exercise=${course.exercise}&pageSize=2`);
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ page: 1, pageSize: 2, total: mine });
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.items.every((s: { userId: string }) => s.userId === users['student']!.id)).toBe(true);
    // Summaries: a history line carries neither the source nor the diagnostics, which can be large.
    for (const item of page1.body.items) {
      expect(item).not.toHaveProperty('diagnostics');
      expect(item).not.toHaveProperty('source');
    }
    const times = page1.body.items.map((s: { createdAt: string }) => s.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const page2 = await student.get(`/api/submissions?course=${course.courseSlug}&exercise=${course.exercise}&pageSize=2&page=2`);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    const bad = await student.get('/api/submissions?pageSize=1000');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('pageSize');
    expect((await outsider.get('/api/submissions')).body.total).toBe(0);
  });

  it("shows a submission to its owner and the course's instructor, and 404 to anyone else", async () => {
    const s = (await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution })).body;
    expect((await student.get(`/api/submissions/${s.id}`)).body.source).toBe(course.solution);
    expect((await teacher.get(`/api/submissions/${s.id}`)).status).toBe(200);
    expect((await other.get(`/api/submissions/${s.id}`)).status).toBe(404);
    expect((await outsider.get(`/api/submissions/${s.id}`)).status).toBe(404);
    expect((await other.get('/api/submissions/does-not-exist')).status).toBe(404);
  });

  it('cancels a queued submission (removing its job) for its owner only', async () => {
    const s = (await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution })).body;
    expect(await queue.getJob(s.id)).toBeDefined();
    expect((await other.post(`/api/submissions/${s.id}/cancel`)).status).toBe(404);
    expect((await teacher.post(`/api/submissions/${s.id}/cancel`)).status).toBe(403);
    const r = await student.post(`/api/submissions/${s.id}/cancel`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('CANCELLED');
    expect(await queue.getJob(s.id)).toBeUndefined();
    const again = await student.post(`/api/submissions/${s.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('not_cancellable');
  });

  it('re-enqueues a QUEUED submission the queue lost (stored, then Redis failed before the job was added)', async () => {
    const s = await api.prisma.submission.create({
      data: {
        userId: users['student']!.id,
        exerciseId: course.exerciseId,
        source: course.solution,
        idempotencyKey: `k-${tag()}`,
        policyVersion: 1,
        status: 'QUEUED',
        modelSpec: {},
        queuedAt: new Date(Date.now() - 60_000),
      },
    });
    expect(await queue.getJob(s.id)).toBeUndefined();
    const job = await waitFor(async () => (await queue.getJob(s.id)) ?? undefined, 10_000, 'the reconciler to enqueue the lost submission');
    expect(job.data).toEqual({ submissionId: s.id });
  });
});
