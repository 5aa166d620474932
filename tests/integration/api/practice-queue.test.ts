import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GRADING_QUEUES } from '@epoch/contracts';
import { Client, createCourse, createUsers, enroll, signedIn, startApi, type ApiUnderTest, type TestUser } from './api-harness';

/**
 * Practice runs, replacing a queued submission and the wait before Submit, through the real API process with Postgres
 * and the Redis queue (no grader runs here: the jobs stay in the queue, in the order graders would take them).
 */
describe('API: practice runs, replacing a queued submission, the wait before Submit', () => {
  let api: ApiUnderTest;
  let queue: Queue;
  let users: Record<string, TestUser>;
  let clients: Record<string, Client>;

  beforeAll(async () => {
    api = await startApi();
    queue = new Queue(GRADING_QUEUES.general, { connection: { url: inject('redisUrl') }, prefix: api.prefix });
    users = await createUsers(api.prisma, [
      { key: 'practiser', role: 'STUDENT' },
      { key: 'replacer', role: 'STUDENT' },
      { key: 'waiter', role: 'STUDENT' },
      { key: 'ahead', role: 'STUDENT' },
    ]);
    clients = Object.fromEntries(await Promise.all(Object.keys(users).map(async (k) => [k, await signedIn(api.base, users[k]!)] as const)));
  });
  afterAll(async () => {
    await queue?.close();
    await api?.stop();
  });

  const post = (who: string, c: Awaited<ReturnType<typeof createCourse>>, kind?: 'GRADED' | 'PRACTICE') =>
    clients[who]!.post('/api/submissions', { course: c.courseSlug, exercise: c.exercise, source: c.solution, ...(kind ? { kind } : {}) });
  const quotaOf = async (who: string, c: Awaited<ReturnType<typeof createCourse>>) =>
    (await clients[who]!.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}`)).body.quota;

  it('takes practice runs free of the quota, after every graded run in the queue, up to their own daily limit', async () => {
    const c = await createCourse(api.prisma, { dailyQuota: 1, practiceDailyLimit: 2, practiceTrainImages: 1000, practiceEpochs: 2 });
    await enroll(api.prisma, users['practiser']!.id, c.courseId);
    const p1 = await post('practiser', c, 'PRACTICE');
    expect(p1.status).toBe(201);
    expect(p1.body).toMatchObject({ kind: 'PRACTICE', status: 'QUEUED' });
    expect(await quotaOf('practiser', c)).toMatchObject({ usedToday: 0, dailyLeft: 1 });
    // The graded submission still has its whole quota, and queues ahead of the practice run made before it.
    const g1 = await post('practiser', c);
    expect(g1.status).toBe(201);
    expect(g1.body.kind).toBe('GRADED');
    expect(await quotaOf('practiser', c)).toMatchObject({ usedToday: 1, dailyLeft: 0 });
    const [pj, gj] = await Promise.all([queue.getJob(p1.body.id), queue.getJob(g1.body.id)]);
    expect(gj!.priority).toBeLessThan(pj!.priority);
    const order = await queue.getJobs(['prioritized'], 0, -1, true);
    expect(order.map((j) => j.id).indexOf(g1.body.id)).toBeLessThan(order.map((j) => j.id).indexOf(p1.body.id));
    // A practice run's work estimate is its subset's (1,000 images, 2 epochs), not the graded run's.
    const [pRow, gRow] = await Promise.all([p1.body.id, g1.body.id].map((id: string) => api.prisma.submission.findUniqueOrThrow({ where: { id } })));
    expect(pRow!.workMacs).toBeLessThan(gRow!.workMacs!);
    expect(pRow!.specHash).not.toBe(gRow!.specHash);
    // The quota is used up, practice is not; then practice is, with its own message.
    expect((await post('practiser', c)).body.error).toMatchObject({ code: 'quota_exhausted' });
    expect((await post('practiser', c, 'PRACTICE')).status).toBe(201);
    const over = await post('practiser', c, 'PRACTICE');
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'practice_limit', details: [{ path: 'practiceDailyLimit' }] });
    expect(over.body.error.message).toMatch(/today's 2 practice runs/);
    // A course whose policy offers no practice refuses it, saying so.
    const off = await createCourse(api.prisma, { practiceDailyLimit: 0 });
    await enroll(api.prisma, users['practiser']!.id, off.courseId);
    const refused = await post('practiser', off, 'PRACTICE');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'practice_off' });
  });

  it('replaces an older queued submission with a newer one when the policy says so: cancelled with a message, its slot returned', async () => {
    const c = await createCourse(api.prisma, { dailyQuota: 2, replaceQueued: true });
    await enroll(api.prisma, users['replacer']!.id, c.courseId);
    const first = await post('replacer', c);
    const second = await post('replacer', c);
    expect([first.status, second.status]).toEqual([201, 201]);
    const old = await api.prisma.submission.findUniqueOrThrow({ where: { id: first.body.id } });
    expect(old.status).toBe('CANCELLED');
    expect(old.errorMessage).toBe(`Replaced by your newer submission ${second.body.id} before it was graded; its quota slot was returned.`);
    expect(await queue.getJob(first.body.id)).toBeUndefined();
    expect(await quotaOf('replacer', c)).toMatchObject({ usedToday: 1, dailyLeft: 1 });
    // The newer one is the student's only queued one: the first of their rank.
    expect((await queue.getJob(second.body.id))?.priority).toBe(1);
    // With both slots "used" (one queued, one replaced) a third still goes through: it replaces the second.
    const third = await post('replacer', c);
    expect(third.status).toBe(201);
    expect((await api.prisma.submission.findUniqueOrThrow({ where: { id: second.body.id } })).status).toBe('CANCELLED');
    // Once one is graded (no longer queued), nothing replaces it and it keeps its slot.
    const grade = async (id: string) => {
      await api.prisma.submission.update({ where: { id }, data: { status: 'FAILED', finishedAt: new Date() } });
      await queue.remove(id);
    };
    await grade(third.body.id);
    const fourth = await post('replacer', c);
    expect(fourth.status).toBe(201);
    expect((await api.prisma.submission.findUniqueOrThrow({ where: { id: third.body.id } })).status).toBe('FAILED');
    await grade(fourth.body.id);
    // Two graded, none queued to replace: the quota holds.
    expect((await post('replacer', c)).body.error).toMatchObject({ code: 'quota_exhausted' });
  });

  it('says the wait and the would-be position before Submit, and when the queue is congested', async () => {
    const c = await createCourse(api.prisma, { congestionWaitSeconds: 600 });
    for (const k of ['waiter', 'ahead']) await enroll(api.prisma, users[k]!.id, c.courseId);
    const before = await clients['waiter']!.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/queue`);
    expect(before.status).toBe(200);
    const waitingBefore: number = before.body.waiting;
    // Nothing of this exercise was timed yet: no wait figure, no congestion.
    expect(before.body).toMatchObject({ graded: { waitSeconds: null }, congested: false, congestionWaitSeconds: 600, practiceLeft: 5 });
    // Another student queues three graded submissions; the waiter one.
    for (let i = 0; i < 3; i++) expect((await post('ahead', c)).status).toBe(201);
    expect((await post('waiter', c)).status).toBe(201);
    // One earlier run of the exercise took 400 s: the mean job time the wait is estimated from.
    const done = await api.prisma.submission.create({
      data: {
        userId: users['ahead']!.id,
        exerciseId: c.exerciseId,
        source: c.solution,
        status: 'PASSED',
        idempotencyKey: `timed-${c.exercise}`,
        policyVersion: 1,
        finishedAt: new Date(),
      },
    });
    await api.prisma.result.create({
      data: {
        submissionId: done.id,
        attempt: 1,
        testAccuracy: 0.5,
        testLoss: 1,
        perClassAccuracy: [],
        confusionMatrix: [],
        backend: 'wasm',
        backendVersions: {},
        seed: 42,
        queueWaitMs: 0,
        trainingMs: 390_000,
        evaluationMs: 10_000,
      },
    });
    const r = await clients['waiter']!.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/queue`);
    expect(r.status).toBe(200);
    // The waiter has one queued, so a new one would be their second (rank 1): behind every student's first (the
    // waiter's and the other's) and the other's second queued before it, but ahead of the other's third. First come
    // first served would have put it behind all four.
    expect(r.body.graded.position).toBe(before.body.graded.position + 3);
    expect(r.body.waiting).toBe(waitingBefore + 4);
    // No grader alive counts as one: each run ahead waits its 400 s in turn.
    expect(r.body.graded.waitSeconds).toBe(400 * (r.body.graded.position - 1));
    expect(r.body.congested).toBe(r.body.graded.waitSeconds > 600);
    expect(r.body.congested).toBe(true);
    // A practice run would wait behind every graded run.
    expect(r.body.practice.position).toBeGreaterThanOrEqual(r.body.graded.position);
    // The other student, with three queued, would stand behind everything graded: their fourth is rank 3.
    const other = await clients['ahead']!.get(`/api/courses/${c.courseSlug}/exercises/${c.exercise}/queue`);
    expect(other.body.graded.position).toBe(before.body.graded.position + 4);
    // Outsiders of the course get nothing.
    const outsider = await createCourse(api.prisma);
    expect((await clients['waiter']!.get(`/api/courses/${outsider.courseSlug}/exercises/${outsider.exercise}/queue`)).status).toBe(404);
  });
});
