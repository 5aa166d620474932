import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createCourse, createUsers, signedIn, startApi, tag, type ApiUnderTest, type TestUser } from '../api/api-harness';
import { Browser } from '../sso/oidc-idp';
import { formPost, registrationOf, startTestPlatform, type LaunchSpec, type TestPlatform } from './test-platform';

const LEARNER = ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'];
const INSTRUCTOR = ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'];

/**
 * The LTI 1.3 tool against the test platform (tests/integration/lti/test-platform.ts): registration, JWKS and key
 * rotation, the OIDC login and launch, mapping to Epoch's course, exercise and accounts, Deep Linking 2.0, and the
 * hostile launches (forged signature, expired, wrong audience, unknown deployment, reused nonce, replay).
 */
describe('LTI 1.3 tool', () => {
  let platform: TestPlatform;
  let api: ApiUnderTest;
  let users: Record<string, TestUser>;
  let admin: Client;
  let course: Awaited<ReturnType<typeof createCourse>>;
  const t = tag();
  const context = { id: `ctx-${t}`, title: `LMS course ${t}` };

  beforeAll(async () => {
    platform = await startTestPlatform();
    // A Canvas-like LMS whose course pages live on another domain than its issuer frames Epoch from there.
    api = await startApi((base) => ({ EPOCH_PUBLIC_URL: base, EPOCH_FRAME_ANCESTORS: 'https://canvas.school.test' }));
    platform.toolJwksUrl = `${api.base}/api/lti/jwks`;
    users = await createUsers(api.prisma, [
      { key: 'admin', role: 'ADMIN' },
      { key: 'teacher', role: 'INSTRUCTOR' },
    ]);
    course = await createCourse(api.prisma);
    await api.prisma.enrollment.create({ data: { userId: users['teacher']!.id, courseId: course.courseId, role: 'INSTRUCTOR' } });
    admin = await signedIn(api.base, users['admin']!);
  });
  afterAll(async () => {
    await api?.stop();
    await platform?.stop();
  });

  /** The whole launch as a browser does it: the LMS's login initiation, the platform's auth answer, the form post. */
  async function launch(
    spec: LaunchSpec,
    b = new Browser(),
  ): Promise<{ b: Browser; res: Response; page: string; location: string | null; fields: Record<string, string> }> {
    const hint = platform.prepare(spec);
    const login = await b.fetch(`${api.base}/api/lti/login`, {
      method: 'POST',
      form: {
        iss: platform.issuer,
        login_hint: hint,
        target_link_uri: `${api.base}/api/lti/launch`,
        client_id: platform.clientId,
        lti_deployment_id: platform.deploymentId,
      },
    });
    expect(login.status).toBe(302);
    const auth = await b.fetch(login.headers.get('location')!);
    expect(auth.status).toBe(200);
    const { action, fields } = formPost(await auth.text());
    const res = await b.fetch(action, { method: 'POST', form: fields });
    return { b, res, page: res.status === 302 ? '' : await res.text(), location: res.headers.get('location'), fields };
  }

  const refusal = (page: string) => /data-testid="lti-message">([^<]*)</.exec(page)?.[1]?.replace(/&#39;/g, "'").replace(/&#34;/g, '"');

  function clientOf(b: Browser): Client {
    const c = new Client(api.base);
    c.cookie = `epoch_session=${b.cookies(api.base).get('epoch_session')}`;
    return c;
  }
  async function withCsrf(b: Browser): Promise<Client> {
    const c = clientOf(b);
    c.csrf = (await c.get('/api/me')).body.csrfToken;
    return c;
  }

  it('lets an admin register the platform, validates the registration, and shows what to enter in the LMS', async () => {
    const bad = await admin.post('/api/admin/lti/platforms', {
      name: 'x',
      issuer: 'i',
      clientId: 'c',
      authUrl: 'http://lms.example.edu/auth',
      tokenUrl: 'ftp://x',
      jwksUrl: 'https://ok.example/jwks',
      deploymentIds: [],
    });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.body.error.details.map((d: { path: string }) => d.path))].sort()).toEqual(['authUrl', 'deploymentIds', 'tokenUrl']);
    const r = await admin.post('/api/admin/lti/platforms', registrationOf(platform, 'Test LMS'));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ issuer: platform.issuer, deploymentIds: [platform.deploymentId] });
    const again = await admin.post('/api/admin/lti/platforms', { ...r.body, id: undefined, createdAt: undefined });
    expect(again.status).toBe(409);
    const student = await createUsers(api.prisma, [{ key: 'nosy', role: 'STUDENT' }]);
    expect((await (await signedIn(api.base, student['nosy']!)).get('/api/admin/lti/platforms')).status).toBe(403);

    const tool = await admin.get('/api/admin/lti/tool');
    expect(tool.body).toMatchObject({
      loginUrl: `${api.base}/api/lti/login`,
      launchUrl: `${api.base}/api/lti/launch`,
      deepLinkingUrl: `${api.base}/api/lti/launch`,
      jwksUrl: `${api.base}/api/lti/jwks`,
    });
    const states = tool.body.keys.map((k: { state: string }) => k.state);
    expect(states).toContain('CURRENT');
    expect(states).toContain('NEXT');
    const jwks = await (await fetch(`${api.base}/api/lti/jwks`)).json();
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    for (const k of jwks.keys) expect(Object.keys(k).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    // Who may frame Epoch: the registered platform's origin and the configured one, in one list (the web app's too).
    expect((await (await fetch(`${api.base}/api/lti/frame-ancestors`)).json()).origins).toEqual(
      expect.arrayContaining([platform.issuer, 'https://canvas.school.test']),
    );
  });

  it('answers the login initiation with the OIDC authentication request the spec asks for, and a SameSite=None state cookie', async () => {
    const b = new Browser();
    const login = await b.fetch(
      `${api.base}/api/lti/login?iss=${encodeURIComponent(platform.issuer)}&login_hint=h&target_link_uri=x&lti_message_hint=m&client_id=${platform.clientId}`,
    );
    expect(login.status).toBe(302);
    const u = new URL(login.headers.get('location')!);
    expect(`${u.origin}${u.pathname}`).toBe(platform.authUrl);
    expect(Object.fromEntries(u.searchParams)).toEqual({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: platform.clientId,
      redirect_uri: `${api.base}/api/lti/launch`,
      login_hint: 'h',
      lti_message_hint: 'm',
      state: expect.stringMatching(/^[\w-]{32}$/),
      nonce: expect.stringMatching(/^[\w-]{32}$/),
    });
    expect(login.headers.get('set-cookie')).toMatch(/^epoch_lti_state=[\w-]{32}; Path=\/api\/lti; HttpOnly; SameSite=None; Secure; Max-Age=600$/);
    const unknown = await b.fetch(`${api.base}/api/lti/login?iss=https://nobody.example&login_hint=h&target_link_uri=x`);
    expect(unknown.status).toBe(400);
    expect(refusal(await unknown.text())).toMatch(/no LMS platform is registered with issuer https:\/\/nobody.example/);
    // The API's own LTI pages may be framed by the same origins as the web app's.
    const framing = /frame-ancestors ([^;]*)/.exec(unknown.headers.get('content-security-policy') ?? '')?.[1]?.split(' ');
    expect(framing).toEqual(expect.arrayContaining([platform.issuer, 'https://canvas.school.test']));
  });

  it("lets an instructor's first launch pick the link's exercise, then opens it", async () => {
    const { b, location } = await launch({
      sub: `teacher-${t}`,
      email: users['teacher']!.email,
      name: 'T',
      roles: INSTRUCTOR,
      context,
      resourceLink: { id: `rl-1-${t}`, title: 'Week 1' },
    });
    expect(location).toMatch(new RegExp(`^${api.base}/lti/pick\\?id=[\\w-]+$`));
    const c = await withCsrf(b);
    expect((await c.get('/api/me')).body.id).toBe(users['teacher']!.id);
    const id = new URL(location!).searchParams.get('id')!;
    const view = await c.get(`/api/lti/picks/${id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ kind: 'link', title: 'Week 1', platform: 'Test LMS' });
    expect(view.body.exercises).toEqual([expect.objectContaining({ id: course.exerciseId, courseSlug: course.courseSlug })]);
    const pick = await c.post(`/api/lti/picks/${id}`, { exerciseId: course.exerciseId });
    expect(pick.body).toEqual({ kind: 'redirect', url: `${api.base}/courses/${course.courseSlug}/exercises/${course.exercise}` });
    const link = await api.prisma.ltiResourceLink.findFirstOrThrow({ where: { resourceLinkId: `rl-1-${t}` }, include: { context: true } });
    expect(link.exerciseId).toBe(course.exerciseId);
    expect(link.context.courseId).toBe(course.courseId);
    expect(link.lineItemUrl).toBe(`${platform.issuer}/ags/${context.id}/lineitems/rl-1-${t}`);
    // The picker is used once.
    expect((await c.post(`/api/lti/picks/${id}`, { exerciseId: course.exerciseId })).status).toBe(404);
  });

  it('creates the student on first launch, enrols them, and opens the exercise with an Epoch session', async () => {
    const { b, location } = await launch({
      sub: `student-${t}`,
      email: `Student-${t}@lms.test`,
      name: 'Stu Dent',
      roles: LEARNER,
      context,
      resourceLink: { id: `rl-1-${t}`, title: 'Week 1' },
    });
    expect(location).toBe(`${api.base}/courses/${course.courseSlug}/exercises/${course.exercise}`);
    const c = clientOf(b);
    const me = await c.get('/api/me');
    expect(me.body).toMatchObject({ email: `student-${t}@lms.test`, name: 'Stu Dent', role: 'STUDENT' });
    expect((await c.get(`/api/courses/${course.courseSlug}/exercises/${course.exercise}`)).status).toBe(200);
    const enrolment = await api.prisma.enrollment.findFirstOrThrow({ where: { userId: me.body.id, courseId: course.courseId } });
    expect(enrolment).toMatchObject({ role: 'STUDENT', joinedVia: 'LTI' });
    // The second launch signs in the same account (linked by the platform's sub).
    const again = await launch({
      sub: `student-${t}`,
      email: `changed-${t}@lms.test`,
      roles: LEARNER,
      context,
      resourceLink: { id: `rl-1-${t}`, title: 'Week 1' },
    });
    expect((await clientOf(again.b).get('/api/me')).body.id).toBe(me.body.id);
  });

  it('tells a student when the link is not set up yet', async () => {
    const { res, page } = await launch({ sub: `student-${t}`, roles: LEARNER, context, resourceLink: { id: `rl-unset-${t}`, title: 'Week 9' } });
    expect(res.status).toBe(200);
    expect(refusal(page)).toBe('"Week 9" is not set up in Epoch yet: your instructor opens it once to choose its exercise.');
  });

  it('maps a link through Deep Linking: the picker answers the LMS with a response signed by the tool key, and the link opens its exercise', async () => {
    const { b, location } = await launch({ sub: `teacher-${t}`, email: users['teacher']!.email, roles: INSTRUCTOR, context });
    const id = new URL(location!).searchParams.get('id')!;
    const c = await withCsrf(b);
    expect((await c.get(`/api/lti/picks/${id}`)).body.kind).toBe('deep-link');
    const r = await c.post(`/api/lti/picks/${id}`, { exerciseId: course.exerciseId });
    expect(r.body).toMatchObject({ kind: 'form_post', url: `${platform.issuer}/deep-link-return`, fields: { JWT: expect.any(String) } });
    const posted = await new Browser().fetch(r.body.url, { method: 'POST', form: r.body.fields });
    expect(await posted.text()).toContain('Deep Linking response received');
    const dl = platform.deepLinkResponses.at(-1)!;
    expect(dl).toMatchObject({
      iss: platform.clientId,
      aud: platform.issuer,
      'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiDeepLinkingResponse',
      'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
      'https://purl.imsglobal.org/spec/lti/claim/deployment_id': platform.deploymentId,
      'https://purl.imsglobal.org/spec/lti-dl/claim/data': 'opaque-platform-data-42',
      'https://purl.imsglobal.org/spec/lti-dl/claim/content_items': [
        { type: 'ltiResourceLink', url: `${api.base}/api/lti/launch`, custom: { epoch_exercise: course.exerciseId }, lineItem: { scoreMaximum: 100 } },
      ],
    });
    // The LMS creates the link with those custom parameters: its first launch (a student's) opens the exercise.
    const first = await launch({
      sub: `student-${t}`,
      roles: LEARNER,
      context,
      resourceLink: { id: `rl-dl-${t}`, title: 'Picked' },
      custom: { epoch_exercise: course.exerciseId },
    });
    expect(first.location).toBe(`${api.base}/courses/${course.courseSlug}/exercises/${course.exercise}`);
  });

  it('refuses a student Deep Linking request', async () => {
    const { res, page } = await launch({ sub: `student-${t}`, roles: LEARNER, context });
    expect(res.status).toBe(400);
    expect(refusal(page)).toBe('only instructors add Epoch exercises to an LMS course');
  });

  describe('hostile launches', () => {
    const ok = (): LaunchSpec => ({ sub: `student-${t}`, roles: LEARNER, context, resourceLink: { id: `rl-1-${t}`, title: 'Week 1' } });

    it('refuses a forged signature', async () => {
      const { res, page } = await launch({ ...ok(), signWith: 'forger' });
      expect(res.status).toBe(400);
      expect(refusal(page)).toBe("the launch's signature does not match the platform's keys");
    });
    it('refuses an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const { page } = await launch({ ...ok(), override: { iat: now - 900, exp: now - 300 } });
      expect(refusal(page)).toBe('the launch has expired (its exp is past): launch again from the LMS');
    });
    it('refuses a wrong audience', async () => {
      const { page } = await launch({ ...ok(), override: { aud: ['another-tool'], azp: 'another-tool' } });
      expect(refusal(page)).toMatch(/^the launch is not meant for Epoch \(aud\)/);
    });
    it('refuses an unknown deployment', async () => {
      const { page } = await launch({ ...ok(), deploymentId: 'rogue-deployment' });
      expect(refusal(page)).toBe(
        'the deployment "rogue-deployment" is not registered for this platform (ask an Epoch admin to add it on the LMS platforms page)',
      );
    });
    it("refuses a reused nonce (another login's) and a replayed form post", async () => {
      const first = await launch(ok());
      expect(first.location).toContain('/exercises/');
      const { page } = await launch({ ...ok(), nonce: platform.nonces.at(-1)! });
      expect(refusal(page)).toBe('the launch does not answer this login (its nonce differs): launch again from the LMS');
      const replay = await first.b.fetch(`${api.base}/api/lti/launch`, { method: 'POST', form: first.fields });
      expect(replay.status).toBe(400);
      expect(refusal(await replay.text())).toBe('this launch expired or was already used: launch again from the LMS');
    });
    it('offers a new window when the frame blocked the state cookie', async () => {
      const b = new Browser();
      const hint = platform.prepare(ok());
      const login = await b.fetch(`${api.base}/api/lti/login`, {
        method: 'POST',
        form: { iss: platform.issuer, login_hint: hint, target_link_uri: 'x', client_id: platform.clientId },
      });
      const { action, fields } = formPost(await (await b.fetch(login.headers.get('location')!)).text());
      const blocked = await new Browser().fetch(action, { method: 'POST', form: fields });
      const page = await blocked.text();
      expect(page).toContain('Open in a new window');
      const relaunch = /href="([^"]+)"/.exec(page)![1]!.replace(/&#38;/g, '&');
      expect(new URL(relaunch).searchParams.get('login_hint')).toBe(hint);
      expect(blocked.headers.get('session')).toBeNull();
    });
    it("follows the platform's key rotation (refetches its JWKS on an unknown kid)", async () => {
      await platform.rotateKey();
      // Epoch refetches a platform's JWKS at most every 5 s (an unknown kid cannot make it hammer the platform).
      await new Promise((r) => setTimeout(r, 5500));
      const { location, page } = await launch(ok());
      expect(page).toBe('');
      expect(location).toContain('/exercises/');
    });
  });

  it("rotates Epoch's tool keys without downtime: the published next key signs, the old one stays published", async () => {
    const before = await (await fetch(`${api.base}/api/lti/jwks`)).json();
    const r = await admin.post('/api/admin/lti/keys/rotate');
    expect(r.status).toBe(200);
    const after = await (await fetch(`${api.base}/api/lti/jwks`)).json();
    const kids = (j: { keys: { kid: string }[] }) => j.keys.map((k) => k.kid);
    expect(kids(before)).toContain(r.body.current);
    for (const k of kids(before)) expect(kids(after)).toContain(k);
    expect(kids(after)).toContain(r.body.next);
    // A Deep Linking response after the rotation is signed with the new current key.
    const { b, location } = await launch({ sub: `teacher-${t}`, email: users['teacher']!.email, roles: INSTRUCTOR, context });
    const c = await withCsrf(b);
    const pick = await c.post(`/api/lti/picks/${new URL(location!).searchParams.get('id')!}`, { exerciseId: course.exerciseId });
    const header = JSON.parse(Buffer.from(pick.body.fields.JWT.split('.')[0], 'base64url').toString());
    expect(header.kid).toBe(r.body.current);
  });
});

/**
 * Assignment and Grade Services: a result's re-decision writes the grade passback into the outbox in its transaction;
 * the dispatcher posts the counted grade to the link's line item (retried with backoff when the platform refuses),
 * and the instructor sees the last sync and the platform's message.
 */
describe('LTI grade passback (AGS)', () => {
  let platform: TestPlatform;
  let api: ApiUnderTest;
  let users: Record<string, TestUser>;
  let admin: Client;
  let course: Awaited<ReturnType<typeof createCourse>>;
  const t = tag();
  const context = { id: `ags-${t}`, title: `AGS course ${t}` };

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = await startApi((base) => ({ EPOCH_PUBLIC_URL: base, EPOCH_OUTBOX_SWEEP_MS: '200', EPOCH_OUTBOX_BACKOFF_MS: '200' }));
    platform.toolJwksUrl = `${api.base}/api/lti/jwks`;
    users = await createUsers(api.prisma, [{ key: 'admin', role: 'ADMIN' }]);
    course = await createCourse(api.prisma);
    admin = await signedIn(api.base, users['admin']!);
    await admin.post('/api/admin/lti/platforms', registrationOf(platform, 'AGS LMS'));
  });
  afterAll(async () => {
    await api?.stop();
    await platform?.stop();
  });

  it('posts the counted grade when a re-decision changes it, after the platform first refuses it', async () => {
    // The student launches from a link mapped by Deep Linking's custom parameter.
    const b = new Browser();
    const hint = platform.prepare({
      sub: `lms-student-${t}`,
      email: `ags-${t}@lms.test`,
      roles: LEARNER,
      context,
      resourceLink: { id: `rl-${t}`, title: 'Graded' },
      custom: { epoch_exercise: course.exerciseId },
    });
    const login = await b.fetch(`${api.base}/api/lti/login`, {
      method: 'POST',
      form: { iss: platform.issuer, login_hint: hint, target_link_uri: 'x', client_id: platform.clientId },
    });
    const { action, fields } = formPost(await (await b.fetch(login.headers.get('location')!)).text());
    const launched = await b.fetch(action, { method: 'POST', form: fields });
    expect(launched.headers.get('location')).toContain('/exercises/');
    const student = await api.prisma.user.findUniqueOrThrow({ where: { email: `ags-${t}@lms.test` } });
    await api.prisma.submission.create({
      data: {
        userId: student.id,
        exerciseId: course.exerciseId,
        source: 'x',
        idempotencyKey: `k-${tag()}`,
        policyVersion: 1,
        status: 'FAILED',
        result: {
          create: {
            testAccuracy: 0.45,
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
      },
    });
    platform.refuseScores = 1;
    const policy = (await admin.get(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/policy`)).body.policy;
    const r = await admin.put(`/api/courses/${course.courseSlug}/exercises/${course.exercise}/policy`, { ...policy, minTestAccuracy: 0.4 });
    expect(r.body.redecided).toMatchObject({ failedToPassed: 1 });
    const lineItem = `${platform.issuer}/ags/${context.id}/lineitems/rl-${t}`;
    const message = await api.prisma.outboxMessage.findFirstOrThrow({ where: { kind: 'lti-grade', payload: { path: ['userId'], equals: student.id } } });
    expect(message.key).toMatch(/^lti-grade:/);
    // The first post is refused (the platform's message is kept), the retry is accepted.
    await expect.poll(async () => platform.scores.get(lineItem)?.length ?? 0, { timeout: 60_000, interval: 200 }).toBe(1);
    const score = platform.scores.get(lineItem)![0]!;
    expect(score).toMatchObject({
      userId: `lms-student-${t}`,
      scoreGiven: 100,
      scoreMaximum: 100,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
    expect(Object.keys(score).sort()).toEqual(['activityProgress', 'comment', 'gradingProgress', 'scoreGiven', 'scoreMaximum', 'timestamp', 'userId']);
    const sent = await api.prisma.outboxMessage.findUniqueOrThrow({ where: { id: message.id } });
    expect(sent.status).toBe('SENT');
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(platform.tokenRequests.filter((q) => q.ok).length).toBeGreaterThanOrEqual(1);

    const status = await admin.get(`/api/courses/${course.courseSlug}/lti`);
    expect(status.status).toBe(200);
    expect(status.body.links).toEqual([
      expect.objectContaining({
        title: 'Graded',
        platform: 'AGS LMS',
        exerciseSlug: course.exercise,
        lastSyncAt: expect.any(String),
        pending: 0,
        failures: [],
      }),
    ]);
    // The platform's refusal stays visible to the instructor (with when), after the later success.
    expect(status.body.links[0].lastError).toMatch(/^the platform refused the score: HTTP 422 .*the gradebook column is locked for grading/);
    expect(Date.parse(status.body.links[0].lastErrorAt)).toBeLessThanOrEqual(Date.parse(status.body.links[0].lastSyncAt));
  });
});

describe('LTI roster sync (NRPS)', () => {
  let platform: TestPlatform;
  let api: ApiUnderTest;
  let users: Record<string, TestUser>;
  let admin: Client;
  let course: Awaited<ReturnType<typeof createCourse>>;
  const t = tag();
  const context = { id: `nrps-${t}`, title: `NRPS course ${t}` };

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = await startApi((base) => ({ EPOCH_PUBLIC_URL: base }));
    platform.toolJwksUrl = `${api.base}/api/lti/jwks`;
    users = await createUsers(api.prisma, [
      { key: 'admin', role: 'ADMIN' },
      { key: 'teacher', role: 'INSTRUCTOR' },
    ]);
    course = await createCourse(api.prisma);
    await api.prisma.enrollment.create({ data: { userId: users['teacher']!.id, courseId: course.courseId, role: 'INSTRUCTOR' } });
    admin = await signedIn(api.base, users['admin']!);
    await admin.post('/api/admin/lti/platforms', registrationOf(platform, 'NRPS LMS'));
  });
  afterAll(async () => {
    await api?.stop();
    await platform?.stop();
  });

  it('enrols who joined and removes who left, on demand, with a token got by a signed client assertion', async () => {
    const b = new Browser();
    const hint = platform.prepare({
      sub: `t-${t}`,
      email: users['teacher']!.email,
      roles: INSTRUCTOR,
      context,
      resourceLink: { id: `rl-${t}`, title: 'L' },
      custom: { epoch_exercise: course.exerciseId },
    });
    const login = await b.fetch(`${api.base}/api/lti/login`, {
      method: 'POST',
      form: { iss: platform.issuer, login_hint: hint, target_link_uri: 'x', client_id: platform.clientId },
    });
    const { action, fields } = formPost(await (await b.fetch(login.headers.get('location')!)).text());
    expect((await b.fetch(action, { method: 'POST', form: fields })).headers.get('location')).toContain('/exercises/');
    const teacher = await signedIn(api.base, users['teacher']!);
    platform.members.set(context.id, [
      { user_id: `t-${t}`, roles: INSTRUCTOR, name: 'T', email: users['teacher']!.email, status: 'Active' },
      { user_id: `a-${t}`, roles: LEARNER, name: 'Ann', email: `ann-${t}@lms.test`, status: 'Active' },
      { user_id: `b-${t}`, roles: LEARNER, name: 'Bob', email: `bob-${t}@lms.test`, status: 'Active' },
    ]);
    const first = await teacher.post(`/api/courses/${course.courseSlug}/lti/roster-sync`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ joined: 2, left: 0, contexts: 1 });
    const enrolled = async () =>
      (await api.prisma.enrollment.findMany({ where: { courseId: course.courseId, joinedVia: 'LTI' }, include: { user: true } }))
        .map((e) => e.user.email)
        .sort();
    expect(await enrolled()).toEqual([`ann-${t}@lms.test`, `bob-${t}@lms.test`]);
    // Bob leaves the LMS course.
    platform.members.set(context.id, [
      { user_id: `t-${t}`, roles: INSTRUCTOR, name: 'T', email: users['teacher']!.email, status: 'Active' },
      { user_id: `a-${t}`, roles: LEARNER, name: 'Ann', email: `ann-${t}@lms.test`, status: 'Active' },
      { user_id: `b-${t}`, roles: LEARNER, name: 'Bob', email: `bob-${t}@lms.test`, status: 'Inactive' },
    ]);
    expect((await teacher.post(`/api/courses/${course.courseSlug}/lti/roster-sync`)).body).toEqual({ joined: 0, left: 1, contexts: 1 });
    expect(await enrolled()).toEqual([`ann-${t}@lms.test`]);
    // The teacher's own (Epoch-made) enrolment is never removed by the LMS.
    expect(await api.prisma.enrollment.count({ where: { courseId: course.courseId, userId: users['teacher']!.id } })).toBe(1);
    expect(platform.tokenRequests.at(-1)).toMatchObject({ scope: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly', ok: true });
    const status = await teacher.get(`/api/courses/${course.courseSlug}/lti`);
    expect(status.body.contexts).toEqual([expect.objectContaining({ title: context.title, rosterService: true, lastRosterSyncAt: expect.any(String) })]);
  });
});

describe('LTI roster sync on a schedule', () => {
  it('syncs the rosters of linked courses by itself', async () => {
    const platform = await startTestPlatform();
    const api = await startApi((base) => ({ EPOCH_PUBLIC_URL: base, EPOCH_LTI_ROSTER_SYNC_SECONDS: '1' }));
    try {
      platform.toolJwksUrl = `${api.base}/api/lti/jwks`;
      const t = tag();
      const course = await createCourse(api.prisma);
      const p = await api.prisma.ltiPlatform.create({
        data: {
          name: 'S',
          issuer: platform.issuer,
          clientId: platform.clientId,
          authUrl: platform.authUrl,
          tokenUrl: platform.tokenUrl,
          jwksUrl: platform.jwksUrl,
          deploymentIds: [platform.deploymentId],
        },
      });
      await api.prisma.ltiContext.create({
        data: { platformId: p.id, contextId: `s-${t}`, title: 'S', courseId: course.courseId, membershipsUrl: `${platform.issuer}/nrps/s-${t}` },
      });
      platform.members.set(`s-${t}`, [{ user_id: `c-${t}`, roles: LEARNER, name: 'Cat', email: `cat-${t}@lms.test`, status: 'Active' }]);
      await expect
        .poll(async () => api.prisma.enrollment.count({ where: { courseId: course.courseId, user: { email: `cat-${t}@lms.test` } } }), {
          timeout: 60_000,
          interval: 500,
        })
        .toBe(1);
    } finally {
      await api.stop();
      await platform.stop();
    }
  });
});
