import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changePassword,
  createAdmin,
  createUser,
  demoPasswordAccounts,
  issuePasswordReset,
  listAudit,
  passwordResetInfo,
  productionCheck,
  resetPassword,
  resolveSession,
  seedDemoAccounts,
  setUserActive,
  signIn,
  updateUser,
  userDetail,
} from '@epoch/accounts';
import type { DomainError } from '@epoch/contracts';
import { DEMO_ACCOUNTS, hashPassword } from '@epoch/db';
import { createClass, freshDatabase, type TClassFixture, type TMediumDb } from '../harness';

const policy = { maxFailures: 5, lockSeconds: 60, sessionTtlHours: 1 };

/** Account management: edits, roles, deactivation, reset links, password rules, the audit log, demo accounts. */
describe('accounts: managing users', () => {
  let db: TMediumDb;
  let cls: TClassFixture;
  let user: { id: string; email: string };
  const password = 'a-long-enough-password';
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e as DomainError,
    );
  const audits = (action: string, entityId: string) => db.prisma.auditLog.count({ where: { action, entityId } });
  const settings = { ttlMinutes: 30, publicUrl: 'https://epoch.example.org/' };
  const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma, { students: 1 });
    // The fixture's admin is a real account here (the last-admin rules count it).
    await db.prisma.user.update({ where: { id: cls.admin.id }, data: { passwordHash: await hashPassword(password) } });
    const u = await createUser(db.prisma, cls.admin.id, { email: 'Uma@Example.org', name: 'Uma', role: 'STUDENT', password });
    user = { id: u.id, email: u.email };
  });
  afterAll(async () => {
    await db.drop();
  });

  it('edits name and e-mail (a taken e-mail is a conflict), changes the role, each audited with old and new', async () => {
    expect(await updateUser(db.prisma, cls.admin.id, user.id, { name: 'Uma U.', email: 'uma@epoch.test' })).toMatchObject({
      name: 'Uma U.',
      email: 'uma@epoch.test',
    });
    user.email = 'uma@epoch.test';
    expect(await refusal(updateUser(db.prisma, cls.admin.id, user.id, { email: cls.instructor.email.toUpperCase() }))).toMatchObject({
      kind: 'conflict',
      code: 'email_taken',
      details: [{ path: 'email' }],
    });
    await updateUser(db.prisma, cls.admin.id, user.id, { role: 'INSTRUCTOR' });
    await updateUser(db.prisma, cls.admin.id, user.id, { role: 'STUDENT' });
    expect(await audits('user.update', user.id)).toBe(1);
    expect(await audits('user.role-change', user.id)).toBe(2);
    const entry = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'user.update', entityId: user.id } });
    expect(entry).toMatchObject({
      actorId: cls.admin.id,
      data: { old: { name: 'Uma', email: 'uma@example.org' }, new: { name: 'Uma U.', email: 'uma@epoch.test' } },
    });
  });

  it('never leaves Epoch without an active admin', async () => {
    expect(await refusal(updateUser(db.prisma, cls.admin.id, cls.admin.id, { role: 'STUDENT' }))).toMatchObject({ code: 'last_admin' });
    expect(await refusal(setUserActive(db.prisma, cls.admin.id, cls.admin.id, false))).toMatchObject({ code: 'self' });
  });

  it('deactivates: sessions end at once, sign-in is refused like a wrong password, submissions are kept; reactivates', async () => {
    const s = await signIn(db.prisma, { email: user.email, password }, policy);
    expect(await resolveSession(db.prisma, s.token)).not.toBeNull();
    await db.prisma.submission.create({ data: { userId: user.id, exerciseId: cls.exerciseId, source: 'x', idempotencyKey: 'keep-1', policyVersion: 1 } });
    const r = await setUserActive(db.prisma, cls.admin.id, user.id, false);
    expect(r).toMatchObject({ sessionsEnded: 1, user: { deactivatedAt: expect.any(String) } });
    expect(await resolveSession(db.prisma, s.token)).toBeNull();
    expect(await refusal(signIn(db.prisma, { email: user.email, password }, policy))).toMatchObject({ code: 'invalid_credentials' });
    expect(await db.prisma.submission.count({ where: { userId: user.id } })).toBe(1);
    expect(await userDetail(db.prisma, user.id)).toMatchObject({ liveSessions: 0, submissions: 1, deactivatedAt: expect.any(String) });
    expect(await refusal(issuePasswordReset(db.prisma, cls.admin.id, user.id, settings))).toMatchObject({ code: 'user_deactivated' });
    await setUserActive(db.prisma, cls.admin.id, user.id, true);
    await expect(signIn(db.prisma, { email: user.email, password }, policy)).resolves.toMatchObject({ token: expect.any(String) });
    expect([await audits('user.deactivate', user.id), await audits('user.reactivate', user.id)]).toEqual([1, 1]);
  });

  it('issues a one-time reset link: shown once, used once, ends every session; a newer link voids the older', async () => {
    const older = await issuePasswordReset(db.prisma, cls.admin.id, user.id, settings);
    const link = await issuePasswordReset(db.prisma, cls.admin.id, user.id, settings);
    expect(link).toMatchObject({ url: expect.stringMatching(/^https:\/\/epoch\.example\.org\/reset-password\?token=[\w-]{43}$/), emailed: false });
    expect(await db.prisma.passwordReset.count({ where: { tokenHash: tokenOf(link.url) } })).toBe(0); // only the hash is stored
    expect(await refusal(passwordResetInfo(db.prisma, tokenOf(older.url)))).toMatchObject({ code: 'reset_link_expired' });
    expect(await passwordResetInfo(db.prisma, tokenOf(link.url))).toMatchObject({ email: user.email, expiresAt: link.expiresAt });
    const live = await signIn(db.prisma, { email: user.email, password }, policy);
    expect(await refusal(resetPassword(db.prisma, tokenOf(link.url), 'short'))).toMatchObject({ code: 'weak_password', details: [{ path: 'newPassword' }] });
    await resetPassword(db.prisma, tokenOf(link.url), 'the-new-password-1');
    expect(await resolveSession(db.prisma, live.token)).toBeNull();
    await expect(signIn(db.prisma, { email: user.email, password: 'the-new-password-1' }, policy)).resolves.toBeDefined();
    expect(await refusal(resetPassword(db.prisma, tokenOf(link.url), 'another-password-2'))).toMatchObject({ code: 'reset_link_used' });
    expect(await refusal(passwordResetInfo(db.prisma, 'not-a-real-token-at-all'))).toMatchObject({ code: 'reset_link_invalid' });
    expect([await audits('user.password-reset-issued', user.id), await audits('user.password-reset', user.id)]).toEqual([2, 1]);
  });

  it('refuses an expired link', async () => {
    const link = await issuePasswordReset(db.prisma, cls.admin.id, user.id, settings);
    await db.prisma.passwordReset.updateMany({ where: { userId: user.id, usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await refusal(resetPassword(db.prisma, tokenOf(link.url), 'yet-another-password'))).toMatchObject({
      code: 'reset_link_expired',
      message: expect.stringMatching(/expired at .*ask an administrator for a new one/),
    });
  });

  it('refuses a published demo password anywhere a password is set', async () => {
    const demo = DEMO_ACCOUNTS[0]!.password;
    expect(await refusal(createUser(db.prisma, cls.admin.id, { email: 'd@epoch.test', name: 'D', role: 'STUDENT', password: `${demo}` }))).toMatchObject({
      code: 'weak_password',
    });
    const s = await signIn(db.prisma, { email: user.email, password: 'the-new-password-1' }, policy);
    const me = (await resolveSession(db.prisma, s.token))!;
    expect(await refusal(changePassword(db.prisma, me, { currentPassword: 'the-new-password-1', newPassword: 'student-demo-pass' }, policy))).toMatchObject({
      code: 'weak_password',
      message: expect.stringMatching(/published demo password/),
    });
  });

  it('creates an administrator for the command line (generated password once, or the given one), refusing a taken e-mail', async () => {
    const a = await createAdmin(db.prisma, { email: 'First@Admin.test' });
    expect(a).toMatchObject({ email: 'first@admin.test', name: 'First', generatedPassword: expect.any(String) });
    await expect(signIn(db.prisma, { email: 'first@admin.test', password: a.generatedPassword! }, policy)).resolves.toMatchObject({ me: { role: 'ADMIN' } });
    expect(await createAdmin(db.prisma, { email: 'second@admin.test', name: 'Sam', password: 'chosen-password-2' })).not.toHaveProperty('generatedPassword');
    expect(await refusal(createAdmin(db.prisma, { email: 'first@admin.test' }))).toMatchObject({ code: 'email_taken' });
    expect(await refusal(createAdmin(db.prisma, { email: 'not-an-email' }))).toMatchObject({ kind: 'invalid' });
    expect(await audits('user.create', a.id)).toBe(1);
  });

  it('finds the demo accounts production mode refuses to start with, until their passwords change or they are deactivated', async () => {
    const before = await productionCheck(db.prisma);
    expect(before.demoPasswordAccounts).toEqual([]);
    expect(before.activeAdmins).toBeGreaterThan(0);
    await seedDemoAccounts(db.prisma, [cls.courseSlug]);
    expect(await demoPasswordAccounts(db.prisma)).toEqual(DEMO_ACCOUNTS.map((a) => a.email).sort());
    // A database seeded before the mark existed: the published password itself still counts.
    await db.prisma.user.updateMany({ where: { email: 'admin@epoch.test' }, data: { demoPassword: false } });
    expect(await demoPasswordAccounts(db.prisma)).toContain('admin@epoch.test');
    const kim = await db.prisma.user.findUniqueOrThrow({ where: { email: 'student2@epoch.test' } });
    const link = await issuePasswordReset(db.prisma, cls.admin.id, kim.id, settings);
    await resetPassword(db.prisma, tokenOf(link.url), 'kims-own-password');
    for (const email of ['admin@epoch.test', 'instructor@epoch.test', 'student1@epoch.test', 'student3@epoch.test']) {
      const u = await db.prisma.user.findUniqueOrThrow({ where: { email } });
      await setUserActive(db.prisma, cls.admin.id, u.id, false);
    }
    expect(await demoPasswordAccounts(db.prisma)).toEqual([]);
  });

  it('lists the audit log newest first, filtered by action (or prefix), actor, entity and time', async () => {
    const all = await listAudit(db.prisma, { page: 1, pageSize: 100 });
    expect(all.total).toBeGreaterThan(10);
    expect(all.items.map((i) => i.at)).toEqual([...all.items.map((i) => i.at)].sort().reverse());
    expect(all.actions).toEqual(expect.arrayContaining(['user.create', 'user.deactivate', 'user.password-reset']));
    const deactivations = await listAudit(db.prisma, { page: 1, pageSize: 100, action: 'user.deactivate' });
    expect(deactivations.items.every((i) => i.action === 'user.deactivate')).toBe(true);
    const userActions = await listAudit(db.prisma, { page: 1, pageSize: 100, action: 'user.' });
    expect(userActions.total).toBeGreaterThan(deactivations.total);
    const byAdmin = await listAudit(db.prisma, { page: 1, pageSize: 100, actor: cls.admin.email.toUpperCase() });
    expect(byAdmin.items.every((i) => i.actor?.id === cls.admin.id)).toBe(true);
    expect((await listAudit(db.prisma, { page: 1, pageSize: 100, actor: 'system' })).items.every((i) => i.actor === null)).toBe(true);
    const forUser = await listAudit(db.prisma, { page: 1, pageSize: 100, entityType: 'User', entityId: user.id });
    expect(forUser.items.every((i) => i.entityId === user.id)).toBe(true);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await listAudit(db.prisma, { page: 1, pageSize: 100, from: future })).total).toBe(0);
    expect((await listAudit(db.prisma, { page: 1, pageSize: 100, to: future })).total).toBe(all.total);
  });
});
