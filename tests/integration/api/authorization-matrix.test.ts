import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createCourse, createUsers, enroll, signedIn, startApi, storedArtifact, tag, type ApiUnderTest, type Json, type TestUser } from './api-harness';

/**
 * Every endpoint × every role × own/other resource, including guessed ids. Expected statuses: 401 without a session,
 * 403 for a role that may not do this at all, 404 for resources outside the caller's reach (so ids reveal nothing).
 */
const ACTORS = ['anon', 'owner', 'classmate', 'outsider', 'teacher', 'otherTeacher', 'admin'] as const;
type Actor = (typeof ACTORS)[number];
type Expect = Record<Actor, number>;

const every = (status: number, over: Partial<Expect> = {}): Expect => ({
  ...(Object.fromEntries(ACTORS.map((a) => [a, status])) as Expect),
  anon: 401,
  ...over,
});
const pub = (status = 200): Expect => Object.fromEntries(ACTORS.map((a) => [a, status])) as Expect;

interface Row {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  path: (actor: Actor) => string | Promise<string>;
  body?: (actor: Actor) => Json;
  expect: Expect;
  fresh?: boolean;
}

const BROKEN = 'model = Sequential([Dense(10)]\n';
const PNG = Buffer.from('89504e470d0a1a0a', 'hex');

describe('authorization matrix', () => {
  let api: ApiUnderTest;
  let users: Record<string, TestUser>;
  const clients = {} as Record<Actor, Client>;
  let a: Awaited<ReturnType<typeof createCourse>>;
  let b: Awaited<ReturnType<typeof createCourse>>;
  let join: Awaited<ReturnType<typeof createCourse>>;
  let sub: string;
  let policy: Json;
  const guessed = `cm${tag()}${tag()}${tag()}`;

  beforeAll(async () => {
    api = await startApi();
    users = await createUsers(api.prisma, [
      { key: 'owner', role: 'STUDENT' },
      { key: 'classmate', role: 'STUDENT' },
      { key: 'outsider', role: 'STUDENT' },
      { key: 'teacher', role: 'INSTRUCTOR' },
      { key: 'otherTeacher', role: 'INSTRUCTOR' },
      { key: 'admin', role: 'ADMIN' },
    ]);
    a = await createCourse(api.prisma);
    b = await createCourse(api.prisma);
    join = await createCourse(api.prisma);
    await enroll(api.prisma, users['owner']!.id, a.courseId);
    await enroll(api.prisma, users['classmate']!.id, a.courseId);
    await enroll(api.prisma, users['outsider']!.id, b.courseId);
    await enroll(api.prisma, users['teacher']!.id, a.courseId, 'INSTRUCTOR');
    await enroll(api.prisma, users['otherTeacher']!.id, b.courseId, 'INSTRUCTOR');
    clients.anon = new Client(api.base);
    for (const actor of ACTORS.slice(1)) clients[actor] = await signedIn(api.base, users[actor]!);
    const s = await api.prisma.submission.create({
      data: {
        userId: users['owner']!.id,
        exerciseId: a.exerciseId,
        source: a.solution,
        idempotencyKey: `k-${tag()}`,
        policyVersion: 1,
        status: 'PASSED',
        modelSpec: {},
        result: {
          create: {
            testAccuracy: 0.6,
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
        },
        artifacts: { create: { kind: 'ACCURACY_PLOT', name: 'accuracy.png', contentType: 'image/png', ...(await storedArtifact(api, PNG)) } },
      },
    });
    sub = s.id;
    policy = (await clients.admin.get(`/api/courses/${a.courseSlug}/exercises/${a.exercise}/policy`)).body.policy;
  });
  afterAll(async () => {
    await api?.stop();
  });

  /** A fresh QUEUED submission of the owner (for cancel, which changes it). */
  const queuedOfOwner = async () =>
    (
      await api.prisma.submission.create({
        data: {
          userId: users['owner']!.id,
          exerciseId: a.exerciseId,
          source: 'x',
          idempotencyKey: `k-${tag()}`,
          policyVersion: 1,
          status: 'QUEUED',
          modelSpec: {},
        },
      })
    ).id;

  const staffOfA = (over: Partial<Expect> = {}) => every(200, { owner: 403, classmate: 403, outsider: 404, otherTeacher: 404, ...over });
  const seesSub = (ok = 200) => every(404, { owner: ok, teacher: ok, admin: ok });
  const adminOnly = (ok: number) => every(403, { admin: ok });

  const rows = (): Row[] => [
    // Public: the lesson is readable without signing in.
    { name: 'GET /api/health', method: 'GET', path: () => '/api/health', expect: pub() },
    { name: 'GET /api/health/ready', method: 'GET', path: () => '/api/health/ready', expect: pub() },
    { name: 'GET /metrics', method: 'GET', path: () => '/metrics', expect: pub() },
    { name: 'GET /api/openapi.json', method: 'GET', path: () => '/api/openapi.json', expect: pub() },
    { name: 'GET /api/docs', method: 'GET', path: () => '/api/docs', expect: pub() },
    { name: 'GET /api/docs/init.js', method: 'GET', path: () => '/api/docs/init.js', expect: pub() },
    { name: 'GET /api/courses', method: 'GET', path: () => '/api/courses', expect: pub() },
    { name: 'GET /api/courses/:slug', method: 'GET', path: () => '/api/courses/cifar10-intro', expect: pub() },
    { name: 'GET step', method: 'GET', path: () => '/api/courses/cifar10-intro/lessons/image-classification/steps/neural-networks', expect: pub() },
    { name: 'GET figure', method: 'GET', path: () => '/api/courses/cifar10-intro/figures/simple-cnn.svg', expect: pub() },
    { name: 'GET data figure', method: 'GET', path: () => '/api/courses/cifar10-intro/data-figures/accuracy-curve?model=dense', expect: pub() },
    { name: 'GET data figure picture (unknown)', method: 'GET', path: () => '/api/courses/cifar10-intro/data-figures/accuracy-curve/x.png', expect: pub(404) },
    // Accounts.
    { name: 'GET /api/me', method: 'GET', path: () => '/api/me', expect: every(200) },
    {
      name: 'POST /api/auth/password (wrong current)',
      method: 'POST',
      path: () => '/api/auth/password',
      body: () => ({ currentPassword: 'not-it-at-all', newPassword: 'whatever-new-pass' }),
      expect: every(400),
    },
    { name: 'POST /api/auth/sign-out', method: 'POST', path: () => '/api/auth/sign-out', expect: every(204), fresh: true },
    {
      name: 'POST /api/enrollments',
      method: 'POST',
      path: () => '/api/enrollments',
      body: () => ({ enrollmentCode: join.enrollmentCode }),
      expect: every(403, { owner: 200, classmate: 200, outsider: 200 }),
    },
    // Administration.
    { name: 'GET /api/admin/users', method: 'GET', path: () => '/api/admin/users', expect: adminOnly(200) },
    {
      name: 'POST /api/admin/users',
      method: 'POST',
      path: () => '/api/admin/users',
      body: () => ({ email: `m-${tag()}@test.epoch`, name: 'M', password: 'long-enough-pass' }),
      expect: adminOnly(201),
    },
    {
      name: 'POST /api/admin/users/import',
      method: 'POST',
      path: () => '/api/admin/users/import',
      body: () => ({ csv: `email,name,password\nr-${tag()}@test.epoch,R,long-enough-pass\n` }),
      expect: adminOnly(201),
    },
    {
      name: 'POST /api/admin/courses',
      method: 'POST',
      path: () => '/api/admin/courses',
      body: () => ({ slug: `c-${tag()}`, title: 'C' }),
      expect: adminOnly(201),
    },
    { name: 'GET /api/admin/courses', method: 'GET', path: () => '/api/admin/courses', expect: adminOnly(200) },
    { name: 'GET /api/admin/courses/:slug', method: 'GET', path: () => `/api/admin/courses/${a.courseSlug}`, expect: adminOnly(200) },
    {
      name: 'POST /api/admin/courses/:slug/students',
      method: 'POST',
      path: () => `/api/admin/courses/${b.courseSlug}/students`,
      body: () => ({ userId: users['outsider']!.id }),
      expect: adminOnly(200),
    },
    {
      name: 'POST /api/admin/courses/:slug/instructors',
      method: 'POST',
      path: () => `/api/admin/courses/${b.courseSlug}/instructors`,
      body: () => ({ userId: users['otherTeacher']!.id }),
      expect: adminOnly(200),
    },
    // Exercises, policies, class results.
    {
      name: 'GET /api/exercises/:slug',
      method: 'GET',
      path: () => `/api/courses/${a.courseSlug}/exercises/${a.exercise}`,
      expect: every(200, { outsider: 404, otherTeacher: 404 }),
    },
    { name: 'GET /api/exercises/:guessed', method: 'GET', path: () => `/api/courses/${a.courseSlug}/exercises/${guessed}`, expect: every(404) },
    { name: 'GET policy', method: 'GET', path: () => `/api/courses/${a.courseSlug}/exercises/${a.exercise}/policy`, expect: staffOfA() },
    { name: 'GET policy history', method: 'GET', path: () => `/api/courses/${a.courseSlug}/exercises/${a.exercise}/policy/history`, expect: staffOfA() },
    {
      name: 'GET policy history of a guessed exercise',
      method: 'GET',
      path: () => `/api/courses/${a.courseSlug}/exercises/${guessed}/policy/history`,
      expect: every(404),
    },
    {
      name: 'PUT policy',
      method: 'PUT',
      path: () => `/api/courses/${a.courseSlug}/exercises/${a.exercise}/policy`,
      body: () => policy,
      expect: adminOnly(200),
    },
    {
      name: 'PUT policy of a guessed exercise',
      method: 'PUT',
      path: () => `/api/courses/${a.courseSlug}/exercises/${guessed}/policy`,
      body: () => policy,
      expect: adminOnly(404),
    },
    { name: 'GET class results', method: 'GET', path: () => `/api/courses/${a.courseSlug}/exercises/${a.exercise}/results`, expect: staffOfA() },
    { name: 'GET class results CSV', method: 'GET', path: () => `/api/courses/${a.courseSlug}/exercises/${a.exercise}/results.csv`, expect: staffOfA() },
    {
      name: 'POST regrade',
      method: 'POST',
      path: () => `/api/courses/${a.courseSlug}/exercises/${a.exercise}/regrade`,
      body: () => ({ mode: 'redecide', submissionIds: [sub] }),
      expect: staffOfA(),
    },
    // Submissions.
    {
      name: 'POST /api/submissions',
      method: 'POST',
      path: () => '/api/submissions',
      body: () => ({ course: a.courseSlug, exercise: a.exercise, source: BROKEN }),
      expect: every(201, { outsider: 404, otherTeacher: 404 }),
    },
    {
      name: 'POST /api/submissions/check',
      method: 'POST',
      path: () => '/api/submissions/check',
      body: () => ({ course: a.courseSlug, exercise: a.exercise, source: BROKEN }),
      expect: every(200, { outsider: 404, otherTeacher: 404 }),
    },
    { name: 'GET /api/submissions (own list)', method: 'GET', path: () => '/api/submissions', expect: every(200) },
    { name: 'GET submission', method: 'GET', path: () => `/api/submissions/${sub}`, expect: seesSub() },
    { name: 'GET progress', method: 'GET', path: () => `/api/submissions/${sub}/progress`, expect: seesSub() },
    { name: 'GET events', method: 'GET', path: () => `/api/submissions/${sub}/events`, expect: seesSub() },
    { name: 'GET result', method: 'GET', path: () => `/api/submissions/${sub}/result`, expect: seesSub() },
    { name: 'GET artifact', method: 'GET', path: () => `/api/submissions/${sub}/artifacts/accuracy.png`, expect: seesSub() },
    {
      name: 'POST cancel',
      method: 'POST',
      path: () => queuedOfOwner().then((id) => `/api/submissions/${id}/cancel`),
      expect: every(404, { owner: 200, teacher: 403, admin: 403 }),
    },
    ...['', '/progress', '/events', '/result', '/artifacts/accuracy.png'].map((suffix): Row => ({
      name: `GET guessed submission${suffix}`,
      method: 'GET',
      path: () => `/api/submissions/${guessed}${suffix}`,
      expect: every(404),
    })),
    { name: 'POST cancel guessed', method: 'POST', path: () => `/api/submissions/${guessed}/cancel`, expect: every(404) },
  ];

  it('answers every endpoint for every role as the matrix says', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const row of rows()) {
      for (const actor of ACTORS) {
        const client = row.fresh && actor !== 'anon' ? await signedIn(api.base, users[actor]!) : clients[actor];
        const path = await row.path(actor);
        const r = await client.request(row.method, path, row.body ? row.body(actor) : row.method === 'GET' ? undefined : {});
        cells++;
        if (r.status !== row.expect[actor])
          mismatches.push(`${row.name} as ${actor}: ${r.status} (expected ${row.expect[actor]}) ${JSON.stringify(r.body).slice(0, 160)}`);
        if (r.status >= 400 && r.status !== 413)
          expect(r.body, `${row.name} as ${actor}`).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBeGreaterThan(250);
  });

  it('signs out everywhere for every role (last: it ends the shared sessions)', async () => {
    expect((await clients.anon.post('/api/auth/sign-out-everywhere')).status).toBe(401);
    for (const actor of ACTORS.slice(1)) {
      const r = await clients[actor].post('/api/auth/sign-out-everywhere');
      expect(r.status, actor).toBe(200);
      expect((await clients[actor].get('/api/me')).status, actor).toBe(401);
    }
  });
});
