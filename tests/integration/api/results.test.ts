import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GRADING_QUEUES } from '@epoch/contracts';
import type { EpochPrismaClient } from '@epoch/db';
import { waitFor } from '../helpers';
import { Client, createCourse, createUsers, enroll, signedIn, startApi, storedArtifact, tag, type ApiUnderTest, type TestUser } from './api-harness';

interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

/** Reads an SSE stream until `until` says stop (or the stream ends); returns the events seen. */
async function readEvents(client: Client, path: string, until: (events: SseEvent[]) => boolean, lastEventId?: string): Promise<SseEvent[]> {
  const ac = new AbortController();
  const res = await fetch(client.base + path, {
    headers: { cookie: client.cookie!, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: ac.signal,
  });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: SseEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((l) => !l.startsWith(':') && l.includes(': '))
            .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]),
        );
        if (fields['event']) events.push({ id: fields['id'], event: fields['event'], data: JSON.parse(fields['data'] ?? 'null') });
      }
    }
  } finally {
    ac.abort();
  }
  return events;
}

const resultRow = (testAccuracy: number) => ({
  testAccuracy,
  testLoss: 1.2,
  perClassAccuracy: [0.5, 0.6],
  confusionMatrix: [
    [1, 0],
    [0, 1],
  ],
  attempt: 1,
  backend: 'wasm',
  backendVersions: { tfjs: '4.22.0' },
  seed: 42,
  queueWaitMs: 10,
  trainingMs: 3000,
  evaluationMs: 200,
});
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

async function addEpoch(prisma: EpochPrismaClient, submissionId: string, attempt: number, epoch: number): Promise<void> {
  await prisma.epochMetric.create({
    data: { submissionId, attempt, epoch, loss: 2 - epoch / 10, accuracy: 0.1 * epoch, valLoss: null, valAccuracy: null, seconds: 1 },
  });
}

describe('API live progress and results', () => {
  let api: ApiUnderTest;
  let users: Record<string, TestUser>;
  let course: Awaited<ReturnType<typeof createCourse>>;
  let student: Client;
  let other: Client;
  let teacher: Client;

  beforeAll(async () => {
    api = await startApi({ EPOCH_SSE_POLL_MS: '100', EPOCH_SSE_MAX_PER_USER: '3' });
    users = await createUsers(api.prisma, [
      { key: 'student', role: 'STUDENT' },
      { key: 'other', role: 'STUDENT' },
      { key: 'teacher', role: 'INSTRUCTOR' },
      { key: 'watcher', role: 'STUDENT' },
    ]);
    course = await createCourse(api.prisma);
    await enroll(api.prisma, users['watcher']!.id, course.courseId);
    await enroll(api.prisma, users['student']!.id, course.courseId);
    await enroll(api.prisma, users['other']!.id, course.courseId);
    await enroll(api.prisma, users['teacher']!.id, course.courseId, 'INSTRUCTOR');
    [student, other, teacher] = await Promise.all(['student', 'other', 'teacher'].map((k) => signedIn(api.base, users[k]!)));
  });
  afterAll(async () => {
    await api?.stop();
  });

  const submit = async (c: Client, exercise = course.exercise, source = course.solution, courseSlug = course.courseSlug) => {
    const r = await c.post('/api/submissions', { course: courseSlug, exercise, source });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  /** Opens a live stream and keeps it open (nothing read); `close` aborts it. */
  const openStream = async (client: Client, id: string) => {
    const ac = new AbortController();
    const res = await fetch(`${client.base}/api/submissions/${id}/events`, { headers: { cookie: client.cookie! }, signal: ac.signal });
    return { res, close: () => ac.abort() };
  };

  it('caps live streams per user: one more is refused (429), other users are not affected, a closed one frees its place', async () => {
    const watcher = await signedIn(api.base, users['watcher']!);
    const id = await submit(watcher);
    const open = [];
    for (let i = 0; i < 3; i++) {
      const s = await openStream(watcher, id);
      expect(s.res.status).toBe(200);
      open.push(s);
    }
    const refused = await fetch(`${api.base}/api/submissions/${id}/events`, { headers: { cookie: watcher.cookie! } });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'too_many_streams',
      message: expect.stringMatching(/you already follow 3 submissions live/),
    });
    // The course's teacher watching the same submission is another user.
    const teachers = await openStream(teacher, id);
    expect(teachers.res.status).toBe(200);
    teachers.close();
    open.pop()!.close();
    await waitFor(
      async () => {
        const again = await openStream(watcher, id);
        if (again.res.status === 200) return again;
        await again.res.body?.cancel();
        return undefined;
      },
      10_000,
      'a place for a new stream',
    ).then((s) => open.push(s));
    for (const s of open) s.close();
    await api.prisma.submission.update({ where: { id }, data: { status: 'CANCELLED' } });
  });

  it('ends a stream when its session signs out, here or in another API process (revoked), with a last `end` event', async () => {
    const watcher = await signedIn(api.base, users['watcher']!);
    const id = await submit(watcher);
    const copy = new Client(api.base);
    copy.cookie = watcher.cookie;
    const t0 = Date.now();
    const reading = readEvents(copy, `/api/submissions/${id}/events`, (ev) => ev.some((e) => e.event === 'end'));
    await new Promise((r) => setTimeout(r, 300));
    expect((await watcher.post('/api/auth/sign-out')).status).toBe(204);
    const events = await reading;
    expect(events.at(-1)).toEqual({ id: undefined, event: 'end', data: { reason: 'signed out' } });
    expect(Date.now() - t0).toBeLessThan(5_000);

    // Revoked behind this process's back (another API process signed it out), or expired: the stream notices by itself.
    const again = await signedIn(api.base, users['watcher']!);
    const elsewhere = new Client(api.base);
    elsewhere.cookie = again.cookie;
    const reading2 = readEvents(elsewhere, `/api/submissions/${id}/events`, (ev) => ev.some((e) => e.event === 'end'));
    await new Promise((r) => setTimeout(r, 300));
    await api.prisma.session.updateMany({ where: { userId: users['watcher']!.id, revokedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const t1 = Date.now();
    expect((await reading2).at(-1)).toEqual({ id: undefined, event: 'end', data: { reason: 'the session ended (signed out or expired)' } });
    expect(Date.now() - t1).toBeLessThan(8_000);
    await api.prisma.submission.update({ where: { id }, data: { status: 'CANCELLED' } });
  });

  it('polls status, queue position and epochs', async () => {
    const a = await submit(student);
    const b = await submit(other);
    const pa = (await student.get(`/api/submissions/${a}/progress`)).body;
    const pb = (await other.get(`/api/submissions/${b}/progress`)).body;
    expect(pa).toMatchObject({ submissionId: a, status: 'QUEUED', epochs: [], resultHidden: false });
    expect(pb.queuePosition).toBe(pa.queuePosition + 1);
    await api.prisma.submission.update({ where: { id: a }, data: { status: 'RUNNING', startedAt: new Date(), attemptCount: 1 } }); // as claim() leaves it
    await addEpoch(api.prisma, a, 1, 1);
    await addEpoch(api.prisma, a, 1, 2);
    const running = (await student.get(`/api/submissions/${a}/progress`)).body;
    expect(running).toMatchObject({ status: 'RUNNING', queuePosition: null, etaSeconds: 8 });
    expect(running.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    expect((await other.get(`/api/submissions/${b}/progress`)).body.queuePosition).toBe(pb.queuePosition - 1);
    expect((await other.get(`/api/submissions/${a}/progress`)).status).toBe(404);
  });

  it("estimates a queued job's ETA from its model's cost and the throughput of recent jobs", async () => {
    // Twenty just-graded jobs of 1e9 multiply-accumulates in 10 s each: a recent throughput of 1e8 per second.
    for (let i = 0; i < 20; i++) {
      await api.prisma.submission.create({
        data: {
          userId: users['teacher']!.id,
          exerciseId: course.exerciseId,
          source: '#',
          idempotencyKey: `eta-${tag()}-${i}`,
          policyVersion: 1,
          status: 'PASSED',
          workMacs: 1e9,
          finishedAt: new Date(),
          result: { create: { ...resultRow(0.5), trainingMs: 9_000, evaluationMs: 1_000 } },
        },
      });
    }
    const x = await submit(student);
    const y = await submit(other);
    const row = await api.prisma.submission.findUniqueOrThrow({ where: { id: x } });
    // The dense network, 10 epochs on the full data: its own work alone is ~1.1e12 multiply-accumulates.
    const dense = 3072 + 3072 * 256 + 256 * 10;
    expect(row.workMacs).toBe(dense * (10 * (3 * 45_000 + 5_000) + 10_000));
    const own = row.workMacs! / 1e8;
    const px = (await student.get(`/api/submissions/${x}/progress`)).body;
    const py = (await other.get(`/api/submissions/${y}/progress`)).body;
    expect(px.etaSeconds).toBeGreaterThanOrEqual(Math.floor(own));
    expect(py.etaSeconds).toBeGreaterThan(px.etaSeconds);
    for (const id of [x, y]) await api.prisma.submission.update({ where: { id }, data: { status: 'CANCELLED' } });
  });

  it('streams status changes and epochs over SSE, resumes after Last-Event-ID, and ends when final', async () => {
    const id = await submit(student);
    const first = await readEvents(student, `/api/submissions/${id}/events`, (ev) => ev.some((e) => e.event === 'status'));
    expect(first[0]).toMatchObject({ event: 'status', data: { status: 'QUEUED', queuePosition: expect.any(Number) } });

    const stream = readEvents(
      student,
      `/api/submissions/${id}/events`,
      (ev) => ev.filter((e) => e.event === 'epoch').length >= 2 && ev.some((e) => e.event === 'status' && (e.data as { status: string }).status === 'RUNNING'),
    );
    await new Promise((r) => setTimeout(r, 300));
    await api.prisma.submission.update({ where: { id }, data: { status: 'RUNNING', startedAt: new Date(), attemptCount: 1 } }); // as claim() leaves it
    await addEpoch(api.prisma, id, 1, 1);
    await addEpoch(api.prisma, id, 1, 2);
    const seen = await stream;
    expect(seen.map((e) => e.event)).toContain('status');
    expect(seen.some((e) => e.event === 'status' && (e.data as { status: string }).status === 'RUNNING')).toBe(true);
    const epochs = seen.filter((e) => e.event === 'epoch');
    expect(epochs.map((e) => e.id)).toEqual(['1.1', '1.2']);

    await addEpoch(api.prisma, id, 1, 3);
    await api.prisma.submission.update({ where: { id }, data: { status: 'PASSED', finishedAt: new Date(), result: { create: resultRow(0.6) } } });
    const resumed = await readEvents(student, `/api/submissions/${id}/events`, (ev) => ev.some((e) => e.event === 'end'), '1.2');
    expect(resumed.filter((e) => e.event === 'epoch').map((e) => e.id)).toEqual(['1.3']);
    expect(resumed.find((e) => e.event === 'status')?.data).toMatchObject({ status: 'PASSED' });
    expect(resumed.at(-1)).toMatchObject({ event: 'end', data: { status: 'PASSED' } });
    const other404 = await fetch(`${api.base}/api/submissions/${id}/events`, { headers: { cookie: other.cookie! } });
    expect(other404.status).toBe(404);
  });

  it('returns the result with metrics, history, backend, durations and artifacts', async () => {
    const id = await submit(student);
    const pending = await student.get(`/api/submissions/${id}/result`);
    expect(pending.status).toBe(404);
    expect(pending.body.error.code).toBe('no_result');
    // The result's history is the producing attempt's epochs (attempt 1); an abandoned attempt's epochs are not in it.
    await api.prisma.epochMetric.create({
      data: { submissionId: id, attempt: 1, epoch: 1, loss: 2, accuracy: 0.3, valLoss: 2.1, valAccuracy: 0.28, seconds: 1.5 },
    });
    await api.prisma.epochMetric.create({
      data: { submissionId: id, attempt: 2, epoch: 1, loss: 9, accuracy: 0.9, valLoss: null, valAccuracy: null, seconds: 1 },
    });
    await api.prisma.submission.update({ where: { id }, data: { status: 'PASSED', finishedAt: new Date(), result: { create: resultRow(0.61) } } });
    // The plot in the artifact store (where graders put them); the data row from before the store, its bytes still in
    // Postgres (until `db migrate` moves them): both are served.
    const png = await storedArtifact(api, PNG);
    await api.prisma.artifact.create({ data: { submissionId: id, kind: 'ACCURACY_PLOT', name: 'accuracy.png', contentType: 'image/png', ...png } });
    const legacy = Buffer.from('{"acc":[0.3]}');
    const sha = createHash('sha256').update(legacy).digest('hex');
    await api.prisma.artifact.create({
      data: {
        submissionId: id,
        kind: 'DATA_JSON',
        name: 'accuracy.json',
        contentType: 'application/json',
        bytes: legacy,
        size: legacy.length,
        sha256: sha,
        storageKey: `sha256/${sha.slice(0, 2)}/${sha}`,
      },
    });
    // Weights whose object the retention removed: a clear 404, not a 500.
    const gone = await storedArtifact(api, Buffer.from('weights that expired'));
    await api.artifacts.delete(gone.storageKey);
    await api.prisma.artifact.create({ data: { submissionId: id, kind: 'WEIGHTS', name: 'weights.bin', contentType: 'application/octet-stream', ...gone } });
    const r = await student.get(`/api/submissions/${id}/result`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      submissionId: id,
      status: 'PASSED',
      passed: true,
      testAccuracy: 0.61,
      resultHidden: false,
      backend: 'wasm',
      seed: 42,
      durations: { queueWaitMs: 10, trainingMs: 3000, evaluationMs: 200 },
      history: [{ attempt: 1, epoch: 1, accuracy: 0.3, valAccuracy: 0.28 }],
    });
    expect(r.body.history).toHaveLength(1);
    expect(r.body.artifacts.map((a: { name: string }) => a.name)).toEqual(['accuracy.json', 'accuracy.png', 'weights.bin']);
    const plot = await fetch(api.base + r.body.artifacts[1].url, { headers: { cookie: student.cookie! } });
    expect(plot.status).toBe(200);
    expect(plot.headers.get('content-type')).toBe('image/png');
    expect(plot.headers.get('cache-control')).toBe('private, max-age=86400');
    expect(plot.headers.get('etag')).toBe(`"${png.sha256}"`);
    expect(Buffer.from(await plot.arrayBuffer()).equals(PNG)).toBe(true);
    const again = await fetch(api.base + r.body.artifacts[1].url, { headers: { cookie: student.cookie!, 'if-none-match': plot.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const json = await student.get(r.body.artifacts[0].url);
    expect(json.body).toEqual({ acc: [0.3] });
    expect((await student.get(`/api/submissions/${id}/artifacts/missing.png`)).status).toBe(404);
    const expired = await student.get(r.body.artifacts[2].url);
    expect(expired.status).toBe(404);
    expect(expired.body.error.code).toBe('artifact_missing');
    expect((await other.get(`/api/submissions/${id}/result`)).status).toBe(404);
    expect((await other.get(r.body.artifacts[1].url)).status).toBe(404);
    expect((await teacher.get(`/api/submissions/${id}/result`)).body.testAccuracy).toBe(0.61);
  });

  it('hides test accuracy, pass/fail and plots from the student until the deadline under AFTER_DEADLINE', async () => {
    const c = await createCourse(api.prisma, { resultVisibility: 'AFTER_DEADLINE', deadline: new Date(Date.now() + 86_400_000) });
    await enroll(api.prisma, users['student']!.id, c.courseId);
    await enroll(api.prisma, users['teacher']!.id, c.courseId, 'INSTRUCTOR');
    const id = await submit(student, c.exercise, c.solution, c.courseSlug);
    await api.prisma.submission.update({ where: { id }, data: { status: 'FAILED', finishedAt: new Date(), result: { create: resultRow(0.2) } } });
    await api.prisma.artifact.create({
      data: { submissionId: id, kind: 'ACCURACY_PLOT', name: `acc-${tag()}.png`, contentType: 'image/png', ...(await storedArtifact(api, PNG)) },
    });
    const r = await student.get(`/api/submissions/${id}/result`);
    expect(r.body).toMatchObject({ status: 'GRADED', passed: null, testAccuracy: null, resultHidden: true, artifacts: [] });
    expect((await student.get(`/api/submissions/${id}`)).body.status).toBe('GRADED');
    expect((await student.get(`/api/submissions?course=${c.courseSlug}&exercise=${c.exercise}`)).body.items[0].status).toBe('GRADED');
    expect((await student.get(`/api/submissions/${id}/progress`)).body).toMatchObject({ status: 'GRADED', resultHidden: true });
    const staff = await teacher.get(`/api/submissions/${id}/result`);
    expect(staff.body).toMatchObject({ status: 'FAILED', passed: false, testAccuracy: 0.2, resultHidden: false });
    // After the deadline everything shows.
    await api.prisma.gradingPolicy.update({ where: { exerciseId: c.exerciseId }, data: { deadline: new Date(Date.now() - 1000) } });
    expect((await student.get(`/api/submissions/${id}/result`)).body).toMatchObject({ status: 'FAILED', testAccuracy: 0.2, resultHidden: false });
  });

  it("includes the grader's live report (job progress) while running, with its ETA, in polling and SSE", async () => {
    const id = await submit(student);
    await api.prisma.submission.update({ where: { id }, data: { status: 'RUNNING', startedAt: new Date(), attemptCount: 1 } }); // as claim() leaves it
    const queue = new Queue(GRADING_QUEUES.general, { connection: { url: inject('redisUrl') }, prefix: api.prefix });
    try {
      const job = await queue.getJob(id);
      const live = {
        phase: 'training',
        attempt: 1,
        epoch: 3,
        epochs: 10,
        batch: 120,
        batches: 704,
        loss: 1.7,
        accuracy: 0.38,
        imagesPerSecond: 2100,
        etaSeconds: 123.4,
      };
      await job!.updateProgress(live);
      const p = (await student.get(`/api/submissions/${id}/progress`)).body;
      expect(p).toMatchObject({ status: 'RUNNING', live, etaSeconds: 123 });
      const events = await readEvents(student, `/api/submissions/${id}/events`, (ev) => ev.some((e) => e.event === 'status'));
      expect(events.find((e) => e.event === 'status')?.data).toMatchObject({ live: { batch: 120 }, etaSeconds: 123 });
      await job!.updateProgress({ not: 'a report' });
      expect((await student.get(`/api/submissions/${id}/progress`)).body.live).toBeNull();
    } finally {
      await queue.close();
    }
  });
});
