import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse, createUsers, enroll, signedIn, startApi, type ApiUnderTest, type Client } from './api-harness';

/**
 * An open live page must not keep the API from stopping: SIGTERM ends the open event streams (the browser then
 * reconnects), and a restarted API resumes the stream after the last event id the browser received.
 */
describe('event streams across an API restart', () => {
  let api: ApiUnderTest;
  let student: Client;
  let submissionId = '';

  beforeAll(async () => {
    api = await startApi({ EPOCH_SSE_POLL_MS: '100' });
    const users = await createUsers(api.prisma, [{ key: 'student', role: 'STUDENT' }]);
    const course = await createCourse(api.prisma);
    await enroll(api.prisma, users['student']!.id, course.courseId);
    student = await signedIn(api.base, users['student']!);
    const r = await student.post('/api/submissions', { course: course.courseSlug, exercise: course.exercise, source: course.solution });
    expect(r.status).toBe(201);
    submissionId = r.body.id as string;
    // Two trained epochs of a running attempt, as a grader writes them.
    await api.prisma.submission.update({ where: { id: submissionId }, data: { status: 'RUNNING', startedAt: new Date() } });
    for (const epoch of [1, 2]) {
      await api.prisma.epochMetric.create({
        data: { submissionId, attempt: 1, epoch, loss: 2 - epoch / 10, accuracy: 0.1 * epoch, valLoss: 2, valAccuracy: 0.1, seconds: 1 },
      });
    }
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('stops promptly on SIGTERM while a client holds a stream open, and the restarted API resumes after Last-Event-ID', async () => {
    const res = await fetch(`${api.base}/api/submissions/${submissionId}/events`, { headers: { cookie: student.cookie! } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes('id: 1.2')) text += decoder.decode((await reader.read()).value);
    const t0 = Date.now();
    let stoppedAfterMs = Infinity;
    await api.restart(async () => {
      // The old process has exited (restart waited for it) although a client still held a stream open.
      stoppedAfterMs = Date.now() - t0;
      // The stream ended (a browser would now reconnect), rather than hanging.
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
    });
    expect(stoppedAfterMs).toBeLessThan(10_000);
    await api.prisma.epochMetric.create({
      data: { submissionId, attempt: 1, epoch: 3, loss: 1.7, accuracy: 0.3, valLoss: 2, valAccuracy: 0.1, seconds: 1 },
    });
    const again = await fetch(`${api.base}/api/submissions/${submissionId}/events?lastEventId=1.2`, { headers: { cookie: student.cookie! } });
    const r2 = again.body!.getReader();
    let resumed = '';
    while (!resumed.includes('id: 1.3')) resumed += decoder.decode((await r2.read()).value);
    await r2.cancel();
    // Only what came after the last event received: epoch 3, not 1 and 2 again.
    expect(resumed).not.toMatch(/id: 1\.[12]\nevent: epoch/);
    expect(resumed).toMatch(/id: 1\.3\nevent: epoch/);
  }, 120_000);
});
