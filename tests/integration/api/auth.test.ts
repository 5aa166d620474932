import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createUsers, signedIn, startApi, tag, type ApiUnderTest, type TestUser } from './api-harness';

describe('API accounts and sessions', () => {
  let api: ApiUnderTest;
  let users: Record<string, TestUser>;

  beforeAll(async () => {
    // A low lockout threshold and rate limit so the tests reach them quickly.
    api = await startApi({ EPOCH_LOGIN_MAX_FAILURES: '3', EPOCH_LOGIN_LOCK_SECONDS: '2', EPOCH_LOGIN_RATE_LIMIT: '40' });
    users = await createUsers(api.prisma, [
      { key: 'admin', role: 'ADMIN' },
      { key: 'student', role: 'STUDENT' },
      { key: 'locky', role: 'STUDENT' },
      { key: 'changer', role: 'STUDENT' },
      { key: 'multi', role: 'STUDENT' },
      { key: 'teacher', role: 'INSTRUCTOR' },
    ]);
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('signs in with an httpOnly SameSite=Lax cookie, stores only the token hash, and answers /api/me', async () => {
    const c = new Client(api.base);
    const r = await c.post('/api/auth/sign-in', { email: users['student']!.email.toUpperCase(), password: users['student']!.password });
    expect(r.status).toBe(200);
    const setCookie = r.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^epoch_session=[A-Za-z0-9_-]{40,};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(r.body).toMatchObject({ email: users['student']!.email, role: 'STUDENT', courses: [] });
    const token = setCookie.split(';')[0]!.split('=')[1]!;
    const sessions = await api.prisma.session.findMany({ where: { userId: users['student']!.id } });
    expect(sessions.some((s) => s.tokenHash === token)).toBe(false);
    expect(sessions.every((s) => /^[0-9a-f]{64}$/.test(s.tokenHash))).toBe(true);
    c.csrf = r.body.csrfToken;
    const me = await c.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: users['student']!.id, csrfToken: r.body.csrfToken });
  });

  it('answers 401 without a session and with a forged cookie', async () => {
    const anon = new Client(api.base);
    expect((await anon.get('/api/me')).body).toEqual({ error: { code: 'unauthenticated', message: 'sign in first' } });
    anon.cookie = 'epoch_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect((await anon.get('/api/me')).status).toBe(401);
  });

  it('refuses wrong credentials the same way for unknown and known emails', async () => {
    const c = new Client(api.base);
    const unknown = await c.post('/api/auth/sign-in', { email: `nobody-${tag()}@test.epoch`, password: 'whatever-password' });
    const wrong = await c.post('/api/auth/sign-in', { email: users['student']!.email, password: 'wrong-password' });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    await api.prisma.user.update({ where: { id: users['student']!.id }, data: { failedLogins: 0 } });
  });

  it('validates the sign-in body with field paths', async () => {
    const r = await new Client(api.base).post('/api/auth/sign-in', { email: 'not-an-email', extra: 1 });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['(root)', 'email', 'password']);
  });

  it('requires the CSRF token on state-changing requests', async () => {
    const c = await signedIn(api.base, users['student']!);
    const without = await c.post('/api/auth/sign-out', {}, { 'x-csrf-token': '' });
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('csrf_failed');
    const wrong = await c.post('/api/auth/sign-out', {}, { 'x-csrf-token': 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect((await c.get('/api/me')).status).toBe(200);
    expect((await c.post('/api/auth/sign-out')).status).toBe(204);
  });

  it('signs out: the session is revoked server-side, so a copied cookie stops working', async () => {
    const c = await signedIn(api.base, users['student']!);
    const copy = new Client(api.base);
    copy.cookie = c.cookie;
    expect((await copy.get('/api/me')).status).toBe(200);
    const out = await c.post('/api/auth/sign-out');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await copy.get('/api/me')).status).toBe(401);
  });

  it('remembers a resolved session for EPOCH_SESSION_CACHE_MS at most, and forgets it at sign-out', async () => {
    const c = await signedIn(api.base, users['multi']!);
    expect((await c.get('/api/me')).status).toBe(200);
    // Revoked behind the API's back (as another API process would): this process answers from memory for up to 2 s.
    const session = await api.prisma.session.findFirstOrThrow({ where: { userId: users['multi']!.id, revokedAt: null }, orderBy: { createdAt: 'desc' } });
    await api.prisma.session.update({ where: { id: session.id }, data: { revokedAt: new Date() } });
    const revokedAt = Date.now();
    const soon = await c.get('/api/me');
    if (Date.now() - revokedAt < 1500) expect(soon.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await c.get('/api/me')).status).toBe(401);
  });

  it('signs out everywhere: every session of the user is revoked', async () => {
    const a = await signedIn(api.base, users['multi']!);
    const b = await signedIn(api.base, users['multi']!);
    const other = await signedIn(api.base, users['student']!);
    const r = await a.post('/api/auth/sign-out-everywhere');
    expect(r.status).toBe(200);
    expect(r.body.revoked).toBe(2);
    expect((await b.get('/api/me')).status).toBe(401);
    expect((await a.get('/api/me')).status).toBe(401);
    expect((await other.get('/api/me')).status).toBe(200);
  });

  it('locks the account after repeated failures, then unlocks after the lock time', async () => {
    const c = new Client(api.base);
    const u = users['locky']!;
    for (let i = 0; i < 3; i++) expect((await c.post('/api/auth/sign-in', { email: u.email, password: 'wrong-password' })).status).toBe(401);
    // Locked: the right password gets the answer a wrong one gets (a 423 would tell who has an account).
    const locked = await c.post('/api/auth/sign-in', { email: u.email, password: u.password });
    const unknown = await c.post('/api/auth/sign-in', { email: `nobody-${tag()}@test.epoch`, password: u.password });
    expect(locked.status).toBe(401);
    expect(locked.body).toEqual(unknown.body);
    expect(locked.body.error.code).toBe('invalid_credentials');
    expect(await api.prisma.auditLog.count({ where: { action: 'user.locked', entityId: u.id } })).toBe(1);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await c.signIn(u.email, u.password)).status).toBe(200);
    const row = await api.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.failedLogins).toBe(0);
    expect(row.lockedUntil).toBeNull();
  });

  it('changes the password: the old one stops working, other sessions are revoked, this one stays', async () => {
    const u = users['changer']!;
    const here = await signedIn(api.base, u);
    const elsewhere = await signedIn(api.base, u);
    const wrong = await here.post('/api/auth/password', { currentPassword: 'not-the-password', newPassword: 'a-brand-new-password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details).toEqual([{ path: 'currentPassword', message: 'wrong password' }]);
    const short = await here.post('/api/auth/password', { currentPassword: u.password, newPassword: 'short' });
    expect(short.body.error.details[0].path).toBe('newPassword');
    expect((await here.post('/api/auth/password', { currentPassword: u.password, newPassword: 'a-brand-new-password' })).status).toBe(204);
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    expect((await new Client(api.base).signIn(u.email, u.password)).status).toBe(401);
    expect((await new Client(api.base).signIn(u.email, 'a-brand-new-password')).status).toBe(200);
  });

  it('lets a student join a course with its enrollment code (case-insensitive, idempotent)', async () => {
    const c = await signedIn(api.base, users['student']!);
    const bad = await c.post('/api/enrollments', { enrollmentCode: 'NOPE-NOPE' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_enrollment_code');
    const ok = await c.post('/api/enrollments', { enrollmentCode: 'cifar10-demo' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ slug: 'cifar10-intro', title: expect.any(String), role: 'STUDENT' });
    expect((await c.post('/api/enrollments', { enrollmentCode: 'CIFAR10-DEMO' })).status).toBe(200);
    expect((await c.get('/api/me')).body.courses).toEqual([{ slug: 'cifar10-intro', title: expect.any(String), role: 'STUDENT' }]);
    const teacher = await signedIn(api.base, users['teacher']!);
    expect((await teacher.post('/api/enrollments', { enrollmentCode: 'CIFAR10-DEMO' })).status).toBe(403);
  });

  it('rate-limits sign-in attempts per client address with Retry-After; behind the web proxy, per browser address', async () => {
    const c = new Client(api.base);
    // The web's proxy (on loopback, trusted by default) forwards each browser's address in X-Forwarded-For.
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    let last = 0;
    let retryAfter: string | null = null;
    for (let i = 0; i < 45 && last !== 429; i++) {
      const r = await c.post('/api/auth/sign-in', { email: `nobody-${i}@test.epoch`, password: 'x' }, from('203.0.113.10'));
      last = r.status;
      retryAfter = r.headers.get('retry-after');
    }
    expect(last).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Another browser behind the same proxy still signs in.
    const u = users['student']!;
    expect((await c.post('/api/auth/sign-in', { email: u.email, password: u.password }, from('203.0.113.11'))).status).toBe(200);
    // The address is recorded with the session.
    const session = await api.prisma.session.findFirstOrThrow({ where: { userId: u.id }, orderBy: { createdAt: 'desc' } });
    expect(session.ip).toBe('203.0.113.11');
  });
});
