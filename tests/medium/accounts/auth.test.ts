import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changePassword,
  createUser,
  currentUser,
  resolveSession,
  sessionTokenHash,
  signIn,
  signOut,
  signOutEverywhere,
  type TSignInPolicy,
} from '@epoch/accounts';
import { DomainError, InvalidError, UnauthenticatedError } from '@epoch/contracts';
import { createClass, freshDatabase, type TClassFixture, type TMediumDb } from '../harness';

/** Sign-in with its lockout, sessions, sign-out (here and everywhere) and the password change. */
describe('accounts: sign-in and sessions', () => {
  let db: TMediumDb;
  let cls: TClassFixture;
  const policy: TSignInPolicy = { maxFailures: 3, lockSeconds: 600, sessionTtlHours: 2 };
  const PASSWORD = 'the-right-password';
  const REFUSAL = 'wrong email or password (after 3 wrong passwords in a row an account is locked for 10 min)';

  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma, { students: 1 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function refusal(p: Promise<unknown>): Promise<unknown> {
    return p.then(
      () => expect.fail('expected the use case to refuse'),
      (e: unknown) => e,
    );
  }
  /** A new student account with a real password hash. */
  async function account(name: string) {
    const u = await createUser(db.prisma, cls.admin.id, { email: `${name}@epoch.test`, name, role: 'STUDENT', password: PASSWORD });
    return { id: u.id, email: u.email };
  }
  const signInAs = (email: string, password = PASSWORD) => signIn(db.prisma, { email, password, ip: '203.0.113.7', userAgent: 'medium-test' }, policy);

  it('opens a session: the token is returned once, only its hash is stored, with its address, browser and expiry', async () => {
    const u = await account('signer');
    await db.prisma.enrollment.create({ data: { userId: u.id, courseId: cls.courseId, role: 'STUDENT' } });
    const t0 = Date.now();
    const r = await signInAs(u.email.toUpperCase());
    expect(r.token).toMatch(/^[\w-]{43}$/);
    expect(r.me).toEqual({
      id: u.id,
      email: u.email,
      name: 'signer',
      role: 'STUDENT',
      csrfToken: expect.stringMatching(/^[\w-]{43}$/),
      courses: [{ slug: cls.courseSlug, title: expect.any(String), role: 'STUDENT' }],
    });
    const [session] = await db.prisma.session.findMany({ where: { userId: u.id } });
    expect(session).toMatchObject({
      tokenHash: sessionTokenHash(r.token),
      csrfSecret: r.me.csrfToken,
      ip: '203.0.113.7',
      userAgent: 'medium-test',
      revokedAt: null,
    });
    expect(session!.expiresAt.getTime()).toBe(r.expiresAt.getTime());
    expect(r.expiresAt.getTime() - t0).toBeGreaterThanOrEqual(2 * 3600_000 - 1000);
    expect(r.expiresAt.getTime() - t0).toBeLessThanOrEqual(2 * 3600_000 + 5000);
  });

  it('refuses an unknown email and a wrong password with the same error; the wrong password counts', async () => {
    const u = await account('wrong');
    const unknown = await refusal(signInAs('nobody@epoch.test'));
    const wrong = await refusal(signInAs(u.email, 'not-the-password'));
    for (const e of [unknown, wrong]) {
      expect(e).toBeInstanceOf(UnauthenticatedError);
      expect(e).toMatchObject({ code: 'invalid_credentials', message: REFUSAL });
    }
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).failedLogins).toBe(1);
    // A right password clears the count.
    await signInAs(u.email);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).failedLogins).toBe(0);
  });

  it('locks the account after maxFailures wrong passwords in a row (audited once), refusing even the right one until the lock ends', async () => {
    const u = await account('locky');
    for (let i = 0; i < policy.maxFailures; i++) expect(await refusal(signInAs(u.email, 'not-the-password'))).toBeInstanceOf(UnauthenticatedError);
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.failedLogins).toBe(0);
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + (policy.lockSeconds - 10) * 1000);
    const audit = await db.prisma.auditLog.findMany({ where: { action: 'user.locked', entityId: u.id } });
    expect(audit.map((a) => [a.actorId, a.data])).toEqual([[null, { failures: 3, ip: '203.0.113.7' }]]);
    // Locked: even the right password gets the very refusal of a wrong one (no 423 that would reveal the account).
    const locked = await refusal(signInAs(u.email));
    expect(locked).toBeInstanceOf(UnauthenticatedError);
    expect(locked).toMatchObject({ code: 'invalid_credentials', message: REFUSAL });
    // Failures while locked are not counted (the lock does not grow).
    await refusal(signInAs(u.email, 'not-the-password'));
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).toMatchObject({ failedLogins: 0, lockedUntil: row.lockedUntil });
    expect(await db.prisma.session.count({ where: { userId: u.id } })).toBe(0);
    // The lock ends: the right password signs in and clears it.
    await db.prisma.user.update({ where: { id: u.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    await signInAs(u.email);
    expect(await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('counts parallel wrong guesses each (an atomic increment, not a read then a write)', async () => {
    const u = await account('parallel');
    const lenient: TSignInPolicy = { ...policy, maxFailures: 100 };
    const guesses = Array.from({ length: 40 }, (_, i) => refusal(signIn(db.prisma, { email: u.email, password: `guess-${i}` }, lenient)));
    for (const e of await Promise.all(guesses)) expect(e).toBeInstanceOf(UnauthenticatedError);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } })).failedLogins).toBe(40);
  });

  it('locks once when parallel guesses cross the limit together: one lock, one audit entry, the rest refused', async () => {
    const u = await account('stampede');
    const guesses = Array.from({ length: 12 }, (_, i) => refusal(signInAs(u.email, `guess-${i}`)));
    for (const e of await Promise.all(guesses)) expect(e).toMatchObject({ code: 'invalid_credentials', message: REFUSAL });
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await db.prisma.auditLog.count({ where: { action: 'user.locked', entityId: u.id } })).toBe(1);
    expect(await refusal(signInAs(u.email))).toMatchObject({ code: 'invalid_credentials' });
  });

  it('takes the same time to refuse an unknown email, a wrong password and a locked account (one argon2 check each)', async () => {
    const wrongUser = await account('timing-wrong');
    const lockedUser = await account('timing-locked');
    await db.prisma.user.update({ where: { id: lockedUser.id }, data: { lockedUntil: new Date(Date.now() + 3_600_000) } });
    const lenient: TSignInPolicy = { ...policy, maxFailures: 1000 };
    const cases = {
      unknown: () => signIn(db.prisma, { email: 'nobody-at-all@epoch.test', password: 'whatever' }, lenient),
      wrong: () => signIn(db.prisma, { email: wrongUser.email, password: 'not-the-password' }, lenient),
      locked: () => signIn(db.prisma, { email: lockedUser.email, password: PASSWORD }, lenient),
    };
    const times: Record<keyof typeof cases, number[]> = { unknown: [], wrong: [], locked: [] };
    for (const run of Object.values(cases)) await refusal(run()); // warm-up (the dummy hash is made once)
    for (let i = 0; i < 7; i++) {
      // Interleaved, so a busy moment of the machine hits every case alike.
      for (const [name, run] of Object.entries(cases) as [keyof typeof cases, () => Promise<unknown>][]) {
        const t0 = performance.now();
        await refusal(run());
        times[name].push(performance.now() - t0);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const m = { unknown: median(times.unknown), wrong: median(times.wrong), locked: median(times.locked) };
    // Without the dummy verification an unknown email answers in about a millisecond against tens for argon2.
    expect(m.unknown / m.wrong, JSON.stringify(m)).toBeGreaterThan(0.5);
    expect(m.locked / m.wrong, JSON.stringify(m)).toBeGreaterThan(0.5);
    expect(m.unknown / m.wrong, JSON.stringify(m)).toBeLessThan(2);
    expect(m.locked / m.wrong, JSON.stringify(m)).toBeLessThan(2);
  });

  it('resolves a live session to its user, and nothing for a revoked, expired, unknown or malformed token', async () => {
    const u = await account('resolver');
    const { token, me } = await signInAs(u.email);
    const s = await resolveSession(db.prisma, token);
    const row = await db.prisma.session.findFirstOrThrow({ where: { userId: u.id } });
    expect(s).toEqual({ userId: u.id, email: u.email, name: 'resolver', role: 'STUDENT', sessionId: row.id, csrfSecret: me.csrfToken });
    expect(await resolveSession(db.prisma, 'A'.repeat(43))).toBeNull();
    expect(await resolveSession(db.prisma, 'short')).toBeNull();
    expect(await resolveSession(db.prisma, 'A'.repeat(129))).toBeNull();
    await db.prisma.session.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await resolveSession(db.prisma, token)).toBeNull();
    const again = await signInAs(u.email);
    await signOut(db.prisma, (await resolveSession(db.prisma, again.token))!.sessionId);
    expect(await resolveSession(db.prisma, again.token)).toBeNull();
  });

  it('answers who is signed in with their courses in the order joined', async () => {
    const u = await account('member');
    const second = await createClass(db.prisma, { students: 0 });
    await db.prisma.enrollment.create({ data: { userId: u.id, courseId: second.courseId, role: 'STUDENT' } });
    await db.prisma.enrollment.create({ data: { userId: u.id, courseId: cls.courseId, role: 'STUDENT' } });
    const me = await currentUser(db.prisma, { userId: u.id, email: u.email, name: 'member', role: 'STUDENT', csrfSecret: 'csrf' });
    expect(me).toMatchObject({ id: u.id, csrfToken: 'csrf' });
    expect(me.courses.map((c) => c.slug)).toEqual([second.courseSlug, cls.courseSlug]);
  });

  it('signs out everywhere: every live session of the user is revoked and counted, others untouched, audited', async () => {
    const u = await account('everywhere');
    const other = await account('bystander');
    const a = await signInAs(u.email);
    const b = await signInAs(u.email);
    const theirs = await signInAs(other.email);
    expect(await signOutEverywhere(db.prisma, u.id)).toEqual({ revoked: 2 });
    expect(await resolveSession(db.prisma, a.token)).toBeNull();
    expect(await resolveSession(db.prisma, b.token)).toBeNull();
    expect(await resolveSession(db.prisma, theirs.token)).not.toBeNull();
    expect(await signOutEverywhere(db.prisma, u.id)).toEqual({ revoked: 0 });
    const audit = await db.prisma.auditLog.findMany({ where: { action: 'user.sign-out-everywhere', entityId: u.id }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((x) => [x.actorId, x.data])).toEqual([
      [u.id, { revoked: 2 }],
      [u.id, { revoked: 0 }],
    ]);
  });

  describe('password change', () => {
    it('refuses a wrong current password and an unchanged one, naming the field, and changes nothing', async () => {
      const u = await account('careful');
      const here = await signInAs(u.email);
      const caller = (await resolveSession(db.prisma, here.token))!;
      const wrong = await refusal(changePassword(db.prisma, caller, { currentPassword: 'not-the-password', newPassword: 'a-brand-new-password' }, policy));
      expect(wrong).toBeInstanceOf(InvalidError);
      expect(wrong).toMatchObject({
        code: 'wrong_password',
        message: 'the current password is wrong',
        details: [{ path: 'currentPassword', message: 'wrong password' }],
      });
      const same = await refusal(changePassword(db.prisma, caller, { currentPassword: PASSWORD, newPassword: PASSWORD }, policy));
      expect(same).toMatchObject({
        code: 'invalid_request',
        message: 'the new password must differ from the current one',
        details: [{ path: 'newPassword', message: 'same as the current password' }],
      });
      await signInAs(u.email);
      expect(await db.prisma.auditLog.count({ where: { action: 'user.password-change', entityId: u.id } })).toBe(0);
    });

    it('changes it: the old one stops working, every other session is revoked, the one making the change stays', async () => {
      const u = await account('changer');
      const here = await signInAs(u.email);
      const elsewhere = await signInAs(u.email);
      const caller = (await resolveSession(db.prisma, here.token))!;
      await changePassword(db.prisma, caller, { currentPassword: PASSWORD, newPassword: 'a-brand-new-password' }, policy);
      expect(await resolveSession(db.prisma, here.token)).not.toBeNull();
      expect(await resolveSession(db.prisma, elsewhere.token)).toBeNull();
      expect(await refusal(signInAs(u.email))).toBeInstanceOf(UnauthenticatedError);
      expect((await signInAs(u.email, 'a-brand-new-password')).me.id).toBe(u.id);
      expect(await db.prisma.auditLog.count({ where: { action: 'user.password-change', entityId: u.id, actorId: u.id } })).toBe(1);
    });

    it('throttles current-password guesses like sign-ins: they count, lock the account, and a locked account refuses even the right one', async () => {
      const u = await account('guesser');
      const here = await signInAs(u.email);
      const caller = (await resolveSession(db.prisma, here.token))!;
      const guess = (currentPassword: string) =>
        changePassword(db.prisma, caller, { currentPassword, newPassword: 'a-brand-new-password' }, policy, { ip: '198.51.100.9' });
      for (let i = 0; i < policy.maxFailures; i++) expect(await refusal(guess(`guess-${i}`))).toMatchObject({ code: 'wrong_password' });
      const locked = await refusal(guess(PASSWORD));
      expect(locked).toBeInstanceOf(DomainError);
      expect(locked).toMatchObject({ kind: 'too_many', code: 'password_checks_locked' });
      expect(await db.prisma.auditLog.findMany({ where: { action: 'user.locked', entityId: u.id }, select: { data: true } })).toEqual([
        { data: { failures: 3, ip: '198.51.100.9' } },
      ]);
      expect(await db.prisma.auditLog.count({ where: { action: 'user.password-change', entityId: u.id } })).toBe(0);
    });
  });
});
