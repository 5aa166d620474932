import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createUsers, startApi, tag, type ApiUnderTest, type TestUser } from '../api/api-harness';
import { Browser, formAction, startIdp, type TestIdp } from './oidc-idp';

/**
 * OpenID Connect sign-in against a real OpenID provider (oidc-provider) on loopback: authorization code flow with PKCE,
 * state and nonce; accounts linked by verified e-mail or created as students; password sign-in turned off.
 */
describe('OpenID Connect sign-in', () => {
  let idp: TestIdp & { register: (redirectUri: string) => void };
  let api: ApiUnderTest;
  let users: Record<string, TestUser>;
  const t = tag();

  beforeAll(async () => {
    idp = await startIdp();
    api = await startApi((base) => ({
      EPOCH_PUBLIC_URL: base,
      EPOCH_OIDC_ISSUER: idp.issuer,
      EPOCH_OIDC_CLIENT_ID: idp.clientId,
      EPOCH_OIDC_CLIENT_SECRET: idp.clientSecret,
      EPOCH_OIDC_NAME: 'Uni Login',
      EPOCH_OIDC_ALLOWED_DOMAINS: 'uni.test,test.epoch',
      EPOCH_PASSWORD_LOGIN: '0',
    }));
    idp.register(`${api.base}/api/auth/oidc/callback`);
    users = await createUsers(api.prisma, [{ key: 'teacher', role: 'INSTRUCTOR' }]);
    idp.accounts.set(`new-${t}`, { sub: `new-${t}`, email: `New.Student-${t}@Uni.test`, email_verified: true, name: 'New Student' });
    idp.accounts.set(`teacher-${t}`, { sub: `teacher-${t}`, email: users['teacher']!.email.toUpperCase(), email_verified: true, name: 'Other Name' });
    idp.accounts.set(`unverified-${t}`, { sub: `unverified-${t}`, email: `unverified-${t}@uni.test`, email_verified: false, name: 'U' });
    idp.accounts.set(`outsider-${t}`, { sub: `outsider-${t}`, email: `outsider-${t}@elsewhere.test`, email_verified: true, name: 'O' });
  });
  afterAll(async () => {
    await api?.stop();
    await idp?.stop();
  });

  /** A browser goes through the provider's login and consent as `login`; returns where Epoch finally sends it. */
  async function signInAs(b: Browser, login: string, next = '/courses'): Promise<{ final: string; callback: string }> {
    const start = await b.fetch(`${api.base}/api/auth/oidc/start?next=${encodeURIComponent(next)}`);
    expect(start.status).toBe(302);
    let callback = '';
    const atCallback = (u: string) => u.startsWith(`${api.base}/api/auth/oidc/callback`);
    let page = await b.follow(start.headers.get('location')!, atCallback);
    for (let step = 0; step < 4 && !page.url.startsWith(api.base); step++) {
      const html = await page.res!.text();
      const action = formAction(html, page.url);
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      page = await b.follow(action, atCallback, {
        method: 'POST',
        form: prompt === 'login' ? { prompt, login, password: 'any' } : { prompt: prompt ?? 'consent' },
      });
    }
    callback = page.url;
    expect(atCallback(callback)).toBe(true);
    const done = await b.fetch(callback);
    expect(done.status).toBe(302);
    return { final: done.headers.get('location')!, callback };
  }

  /** An API client holding the session cookie the browser got. */
  function clientOf(b: Browser): Client {
    const c = new Client(api.base);
    const s = b.cookies(api.base).get('epoch_session');
    c.cookie = s ? `epoch_session=${s}` : undefined;
    return c;
  }

  it('says on /api/site that OIDC is the way in and password sign-in is off', async () => {
    const site = await new Client(api.base).get('/api/site');
    expect(site.body).toMatchObject({ passwordLogin: false, oidc: { name: 'Uni Login', startUrl: '/api/auth/oidc/start' } });
    const r = await new Client(api.base).post('/api/auth/sign-in', { email: users['teacher']!.email, password: users['teacher']!.password });
    expect(r.status).toBe(403);
    expect(r.body.error).toEqual({ code: 'password_login_off', message: 'password sign-in is turned off on this server: sign in with Uni Login' });
  });

  it('starts the authorization code flow with PKCE (S256), state and nonce, and ties it to the browser with a cookie', async () => {
    const b = new Browser();
    const r = await b.fetch(`${api.base}/api/auth/oidc/start?next=/courses`);
    expect(r.status).toBe(302);
    const u = new URL(r.headers.get('location')!);
    expect(u.origin).toBe(idp.issuer);
    expect(Object.fromEntries(u.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: idp.clientId,
      redirect_uri: `${api.base}/api/auth/oidc/callback`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.stringMatching(/.{20,}/),
      nonce: expect.stringMatching(/.{20,}/),
    });
    expect(b.cookies(api.base).get('epoch_oidc_state')).toBe(u.searchParams.get('state'));
    expect(r.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax; Max-Age=600/);
  });

  it('creates a student account on first sign-in (e-mail from the verified claim, lower-cased) and opens an Epoch session', async () => {
    const b = new Browser();
    const { final } = await signInAs(b, `new-${t}`, '/courses?x=1');
    expect(final).toBe(`${api.base}/courses?x=1`);
    const me = await clientOf(b).get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: `new.student-${t}@uni.test`, name: 'New Student', role: 'STUDENT' });
    const user = await api.prisma.user.findUniqueOrThrow({ where: { email: `new.student-${t}@uni.test` } });
    const audit = await api.prisma.auditLog.findFirstOrThrow({ where: { entityId: user.id, action: 'user.create' } });
    expect(audit.data).toMatchObject({ via: 'oidc', provider: idp.issuer, subject: `new-${t}` });
    // Signing in again links the same account (no second one).
    const again = new Browser();
    await signInAs(again, `new-${t}`);
    expect((await clientOf(again).get('/api/me')).body.id).toBe(user.id);
  });

  it('links an existing account by its verified e-mail and keeps its role and name', async () => {
    const b = new Browser();
    await signInAs(b, `teacher-${t}`);
    const me = await clientOf(b).get('/api/me');
    expect(me.body).toMatchObject({ id: users['teacher']!.id, role: 'INSTRUCTOR', name: 'teacher' });
  });

  it('refuses an unverified e-mail and a domain outside the allowed ones, on the sign-in page, without a session', async () => {
    const b = new Browser();
    const { final } = await signInAs(b, `unverified-${t}`);
    const u = new URL(final);
    expect(u.pathname).toBe('/sign-in');
    expect(u.searchParams.get('sso_error')).toBe(`the identity provider has not verified the e-mail address unverified-${t}@uni.test`);
    expect(b.cookies(api.base).get('epoch_session')).toBeUndefined();
    expect(await api.prisma.user.findUnique({ where: { email: `unverified-${t}@uni.test` } })).toBeNull();

    const o = new Browser();
    const out = new URL((await signInAs(o, `outsider-${t}`)).final);
    expect(out.searchParams.get('sso_error')).toBe('e-mail addresses of elsewhere.test may not sign in here (allowed: uni.test, test.epoch)');
    expect(o.cookies(api.base).get('epoch_session')).toBeUndefined();
  });

  it('refuses a replayed callback and a callback in a browser that did not start the sign-in', async () => {
    const b = new Browser();
    const { callback } = await signInAs(b, `new-${t}`);
    // The same code and state again, in the same browser: the state was taken once.
    const replay = await b.fetch(callback);
    expect(new URL(replay.headers.get('location')!).searchParams.get('sso_error')).toMatch(
      /this sign-in (was not started in this browser|expired or was already used)/,
    );

    // Another browser (an attacker's link: login CSRF) with a fresh, unused callback URL of someone else's flow.
    const victim = new Browser();
    const start = await victim.fetch(`${api.base}/api/auth/oidc/start`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const forged = await new Browser().fetch(`${api.base}/api/auth/oidc/callback?code=abc&state=${state}`);
    expect(new URL(forged.headers.get('location')!).searchParams.get('sso_error')).toBe(
      'this sign-in was not started in this browser (or its cookie expired): start again',
    );
  });

  it("refuses a wrong code with the provider's reason, and never redirects to another site", async () => {
    const b = new Browser();
    const start = await b.fetch(`${api.base}/api/auth/oidc/start?next=${encodeURIComponent('//evil.example/x')}`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const r = await b.fetch(`${api.base}/api/auth/oidc/callback?code=not-a-real-code&state=${state}&iss=${encodeURIComponent(idp.issuer)}`);
    expect(new URL(r.headers.get('location')!).searchParams.get('sso_error')).toMatch(/^the identity provider's answer was refused: invalid_grant/);
    // A response without the issuer (RFC 9207) that the provider announces is refused before any code is exchanged.
    const s2 = new URL((await b.fetch(`${api.base}/api/auth/oidc/start`)).headers.get('location')!).searchParams.get('state')!;
    const noIss = await b.fetch(`${api.base}/api/auth/oidc/callback?code=x&state=${s2}`);
    expect(new URL(noIss.headers.get('location')!).searchParams.get('sso_error')).toMatch(/^the identity provider's answer was refused: .*iss/);
    const denied = await b.fetch(`${api.base}/api/auth/oidc/callback?error=access_denied&error_description=${encodeURIComponent('user cancelled')}&state=x`);
    expect(new URL(denied.headers.get('location')!).searchParams.get('sso_error')).toBe('the identity provider refused the sign-in: user cancelled');
    // An open redirect is not possible: `next` must be a path of this site.
    const ok = new Browser();
    const { final } = await signInAs(ok, `new-${t}`, '//evil.example/x');
    expect(final).toBe(`${api.base}/`);
  });
});
