import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../helpers';
import { createUsers, signedIn, startApi, type ApiUnderTest, type TestUser } from './api-harness';

/**
 * Password reset links by e-mail, against a real SMTP server started here (the `smtp-server` package speaks the
 * protocol; nothing is mocked): the API sends through nodemailer, the server receives and the test reads the mail.
 */
describe('password reset links by e-mail (real API, real SMTP server)', () => {
  let api: ApiUnderTest;
  let smtp: SMTPServer;
  let users: Record<string, TestUser>;
  const inbox: ParsedMail[] = [];
  const envelopes: string[][] = [];

  beforeAll(async () => {
    const port = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        envelopes.push(session.envelope.rcptTo.map((r) => r.address));
        simpleParser(stream)
          .then((m) => {
            inbox.push(m);
            callback();
          })
          .catch((e: unknown) => callback(e instanceof Error ? e : new Error(String(e))));
      },
    });
    await new Promise<void>((r) => smtp.listen(port, '127.0.0.1', r));
    api = await startApi({
      EPOCH_SMTP_URL: `smtp://127.0.0.1:${port}`,
      EPOCH_MAIL_FROM: 'Epoch <epoch@school.test>',
      EPOCH_PUBLIC_URL: 'https://epoch.school.test',
    });
    users = await createUsers(api.prisma, [
      { key: 'admin', role: 'ADMIN' },
      { key: 'mia', role: 'STUDENT' },
    ]);
  });
  afterAll(async () => {
    await api?.stop();
    await new Promise<void>((r) => smtp?.close(() => r()));
  });

  it('e-mails the one-time link to the user; it sets the password once and ends their sessions; the API and the audit log never hold the token', async () => {
    const admin = await signedIn(api.base, users['admin']!);
    const mia = users['mia']!;
    const miaSession = await signedIn(api.base, mia);
    const r = await admin.post(`/api/admin/users/${mia.id}/password-reset`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ emailed: true, url: expect.stringMatching(/^https:\/\/epoch\.school\.test\/reset-password\?token=/) });
    expect(envelopes).toEqual([[mia.email]]);
    const mail = inbox[0]!;
    expect(mail.subject).toBe('Set your Epoch password');
    // The sender as configured (whether the name is quoted in the header depends on nodemailer's version).
    expect(mail.from?.value[0]).toMatchObject({ name: 'Epoch', address: 'epoch@school.test' });
    const link = /https:\/\/epoch\.school\.test\/reset-password\?token=[\w-]+/.exec(mail.text ?? '')?.[0];
    expect(link).toBe(r.body.url);
    const token = new URL(link!).searchParams.get('token')!;
    expect(JSON.stringify(await api.prisma.auditLog.findMany({ where: { entityId: mia.id } }))).not.toContain(token);

    const info = await admin.get(`/api/auth/password-reset?token=${token}`);
    expect(info.body).toMatchObject({ email: mia.email });
    const weak = await admin.post('/api/auth/password-reset', { token, newPassword: 'short' });
    expect(weak.status).toBe(400);
    const set = await admin.post('/api/auth/password-reset', { token, newPassword: 'mias-brand-new-password' });
    expect([set.status, set.body]).toEqual([200, { email: mia.email }]);
    expect((await miaSession.get('/api/me')).status).toBe(401);
    const reused = await admin.post('/api/auth/password-reset', { token, newPassword: 'yet-another-password' });
    expect([reused.status, reused.body.error.code]).toEqual([400, 'reset_link_used']);
    expect((await signedIn(api.base, { ...mia, password: 'mias-brand-new-password' }).then((c) => c.get('/api/me'))).status).toBe(200);
  });

  it('refuses an expired link with what to do', async () => {
    const admin = await signedIn(api.base, users['admin']!);
    const r = await admin.post(`/api/admin/users/${users['mia']!.id}/password-reset`);
    const token = new URL(r.body.url as string).searchParams.get('token')!;
    await api.prisma.passwordReset.updateMany({ where: { userId: users['mia']!.id, usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await admin.post('/api/auth/password-reset', { token, newPassword: 'too-late-password' });
    expect([expired.status, expired.body.error.code]).toEqual([400, 'reset_link_expired']);
    expect(expired.body.error.message).toMatch(/expired at .*ask an administrator for a new one/);
  });

  it('still gives the admin the link when the mail server is gone (emailed: false)', async () => {
    await new Promise<void>((r) => smtp.close(() => r()));
    const admin = await signedIn(api.base, users['admin']!);
    const r = await admin.post(`/api/admin/users/${users['mia']!.id}/password-reset`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ emailed: false, url: expect.stringContaining('/reset-password?token=') });
  });
});
