import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GRADING_QUEUES } from '@epoch/contracts';
import { Client, createCourse, createUsers, enroll, signedIn, startApi, tag, type ApiUnderTest, type TestUser } from './api-harness';

describe('API class results for instructors', () => {
  let api: ApiUnderTest;
  let queue: Queue;
  let users: Record<string, TestUser>;
  let course: Awaited<ReturnType<typeof createCourse>>;
  let teacher: Client;
  let otherTeacher: Client;
  let student: Client;
  let admin: Client;
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
    queue = new Queue(GRADING_QUEUES.general, { connection: { url: inject('redisUrl') }, prefix: api.prefix });
    users = await createUsers(api.prisma, [
      { key: 'ann', role: 'STUDENT' },
      { key: 'bob', role: 'STUDENT' },
      { key: 'cyd', role: 'STUDENT' },
      { key: 'teacher', role: 'INSTRUCTOR' },
      { key: 'elsewhere', role: 'INSTRUCTOR' },
      { key: 'admin', role: 'ADMIN' },
    ]);
    course = await createCourse(api.prisma, { minTestAccuracy: 0.5, deadline: new Date(Date.now() + 3_600_000) });
    for (const k of ['ann', 'bob', 'cyd']) await enroll(api.prisma, users[k]!.id, course.courseId);
    await enroll(api.prisma, users['teacher']!.id, course.courseId, 'INSTRUCTOR');
    const mk = async (key: string, user: string, status: 'PASSED' | 'FAILED' | 'REJECTED', acc: number | null, minutesAgo: number, late = false) => {
      const s = await api.prisma.submission.create({
        data: {
          userId: users[user]!.id,
          exerciseId: course.exerciseId,
          source: `# ${key}`,
          idempotencyKey: `k-${tag()}`,
          policyVersion: 1,
          status,
          late,
          // Decided results carry their credit (the migration gave every earlier one full credit).
          credit: status === 'REJECTED' ? null : 1,
          createdAt: new Date(Date.now() - minutesAgo * 60_000),
          modelSpec: status === 'REJECTED' ? undefined : { stored: true },
          ...(acc === null ? {} : { result: result(acc) }),
        },
      });
      ids[key] = s.id;
    };
    await mk('ann1', 'ann', 'PASSED', 0.72, 30);
    await mk('ann2', 'ann', 'FAILED', 0.45, 20);
    await mk('ann3', 'ann', 'REJECTED', null, 10, true);
    await mk('bob1', 'bob', 'FAILED', 0.31, 5);
    [teacher, otherTeacher, student, admin] = await Promise.all(['teacher', 'elsewhere', 'ann', 'admin'].map((k) => signedIn(api.base, users[k]!)));
  });
  afterAll(async () => {
    await queue?.close();
    await api?.stop();
  });

  it('lists every student with best/latest accuracy, attempts, passed and late, and a summary', async () => {
    const r = await teacher.get(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/results`);
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x: { name: string }) => x.name)).toEqual(['ann', 'bob', 'cyd']);
    expect(r.body.rows[0]).toMatchObject({
      attempts: 2,
      bestTestAccuracy: 0.72,
      latestTestAccuracy: 0.45,
      passed: true,
      late: true,
      latestSubmissionId: ids['ann3'],
      latestStatus: 'REJECTED',
    });
    expect(r.body.rows[1]).toMatchObject({ attempts: 1, bestTestAccuracy: 0.31, passed: false, late: false, latestStatus: 'FAILED' });
    expect(r.body.rows[2]).toMatchObject({ attempts: 0, bestTestAccuracy: null, lastSubmissionAt: null, latestStatus: null });
    expect(r.body.summary).toMatchObject({ students: 3, withResult: 2, passed: 1, medianBest: 0.515 });
    expect(r.body.summary.distribution[7].count).toBe(1);
    expect(r.body.summary.distribution[3].count).toBe(1);
    expect((await admin.get(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/results`)).status).toBe(200);
  });

  it('exports CSV with stable columns, one row per student', async () => {
    const r = await teacher.get(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/results.csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="${course.exercise}-results.csv"`);
    const lines = (r.body as string).trim().split('\n');
    expect(lines[0]).toBe('email,name,user_id,attempts,best_test_accuracy,latest_test_accuracy,passed,last_submission_at,late');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(new RegExp(`^${users['ann']!.email},ann,${users['ann']!.id},2,0.72,0.45,yes,\\d{4}-.*Z,yes$`));
    expect(lines[3]).toBe(`${users['cyd']!.email},cyd,${users['cyd']!.id},0,,,no,,no`);
  });

  it('lets staff drill down to any submission of the class, and nobody else', async () => {
    const detail = await teacher.get(`/api/submissions/${ids['bob1']}`);
    expect(detail.body.source).toBe('# bob1');
    // Staff see whose submission it is.
    expect(detail.body.owner).toEqual({ name: 'bob', email: users['bob']!.email });
    expect((await teacher.get(`/api/submissions/${ids['bob1']}/result`)).body.testAccuracy).toBe(0.31);
    expect((await student.get(`/api/submissions/${ids['bob1']}`)).status).toBe(404);
    expect((await otherTeacher.get(`/api/submissions/${ids['bob1']}`)).status).toBe(404);
    expect((await otherTeacher.get(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/results`)).status).toBe(404);
    expect((await student.get(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/results`)).status).toBe(403);
    expect((await student.get(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/results.csv`)).status).toBe(403);
  });

  it('re-decides chosen submissions from stored metrics, with an audit entry', async () => {
    await api.prisma.gradingPolicy.update({ where: { exerciseId: course.exerciseId }, data: { minTestAccuracy: 0.3 } });
    const r = await teacher.post(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/regrade`, {
      mode: 'redecide',
      submissionIds: [ids['bob1'], ids['ann1'], ids['ann3'], 'not-an-id'],
    });
    expect(r.status).toBe(200);
    expect(r.body.changed).toEqual([ids['bob1']]);
    expect(r.body.skipped.map((s: { id: string }) => s.id)).toEqual([ids['ann1'], ids['ann3'], 'not-an-id']);
    expect((await api.prisma.submission.findUniqueOrThrow({ where: { id: ids['bob1']! } })).status).toBe('PASSED');
    expect(
      await api.prisma.auditLog.count({ where: { action: 'submission.regrade.redecide', entityId: course.exerciseId, actorId: users['teacher']!.id } }),
    ).toBe(1);
    expect(
      (await student.post(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/regrade`, { mode: 'redecide', submissionIds: [ids['ann2']] })).status,
    ).toBe(403);
    expect(
      (await teacher.post(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/regrade`, { mode: 'sideways', submissionIds: [] })).body.error.details
        .map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['mode', 'submissionIds']);
  });

  it('re-trains chosen submissions: result dropped, QUEUED again and enqueued', async () => {
    const r = await teacher.post(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/regrade`, {
      mode: 'retrain',
      submissionIds: [ids['ann2'], ids['ann3']],
    });
    expect(r.body.changed).toEqual([ids['ann2']]);
    expect(r.body.skipped).toEqual([{ id: ids['ann3'], reason: 'cannot retrain a REJECTED submission' }]);
    const s = await api.prisma.submission.findUniqueOrThrow({ where: { id: ids['ann2']! }, include: { result: true } });
    expect(s.status).toBe('QUEUED');
    expect(s.result).toBeNull();
    expect((await queue.getJob(ids['ann2']!))?.data).toEqual({ submissionId: ids['ann2'] });
  });
});
