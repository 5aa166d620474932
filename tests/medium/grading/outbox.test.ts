import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { FsArtifactStore } from '@epoch/artifacts';
import { createMailer, type TMailer } from '@epoch/accounts';
import {
  claim,
  createSubmission,
  deliverOutboxMessage,
  DEADLINE_REMINDER,
  enqueueOutbox,
  failInfra,
  failStudent,
  finishGraded,
  OutboxBusyError,
  outboxHandler,
  redecide,
  reminderEmailHandler,
  RESULT_EMAIL,
  resultEmailHandler,
  scheduleOf,
  startOutboxDispatcher,
  writeDeadlineReminders,
  type TGradedResult,
  type TOutboxHandlers,
} from '@epoch/grading';
import { z } from 'zod';
import { freePort, startRedis, stopRedis } from '../../integration/helpers';
import { createClass, freshDatabase, type TClassFixture, type TMediumDb } from '../harness';

/**
 * The notification outbox against the real Postgres, Redis (BullMQ) and a real SMTP server (smtp-server speaks the
 * protocol; the mail goes through nodemailer). A "crash" at a step is a hook that throws there: nothing after it runs,
 * exactly as when the process dies at that point; a fresh delivery try then starts from what the database holds.
 */
const graded = (testAccuracy: number): TGradedResult => ({
  testAccuracy,
  testLoss: 1.1,
  perClassAccuracy: [testAccuracy],
  confusionMatrix: [[1]],
  backend: 'wasm',
  backendVersions: {},
  seed: 42,
  queueWaitMs: 5,
  trainingMs: 100,
  evaluationMs: 10,
  artifacts: [],
});

const waitFor = async (what: string, ok: () => Promise<boolean> | boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('the notification outbox (Postgres, Redis, a real SMTP server)', () => {
  const storeDir = mkdtempSync(join(tmpdir(), 'epoch-outbox-artifacts-'));
  const store = new FsArtifactStore(storeDir);
  let db: TMediumDb;
  let cls: TClassFixture;
  let smtp: SMTPServer;
  let mailer: TMailer;
  const inbox: ParsedMail[] = [];
  /** The next this many mails are refused with a temporary SMTP error (451). */
  let refuseNext = 0;
  let n = 0;
  const publicUrl = 'https://epoch.school.test';
  let handlers: TOutboxHandlers;

  const submission = async (userIdx = 0) => {
    const s = await createSubmission(
      db.prisma,
      { userId: cls.students[userIdx]!.id, exerciseId: cls.exerciseId, source: '#', idempotencyKey: `k-${++n}`, policyVersion: 1, modelSpec: {} },
      'QUEUED',
    );
    const c = await claim(db.prisma, s.id);
    if (!('attempt' in c)) throw new Error(c.skip);
    return { id: s.id, attempt: c.attempt };
  };
  const outboxOf = (submissionId: string) => db.prisma.outboxMessage.findMany({ where: { key: { contains: submissionId } }, orderBy: { createdAt: 'asc' } });
  const optIn = (userIdx: number, prefs: { emailOnResult?: boolean; reminders?: boolean }) =>
    db.prisma.notificationPreferences.upsert({
      where: { userId: cls.students[userIdx]!.id },
      create: { userId: cls.students[userIdx]!.id, ...prefs },
      update: prefs,
    });
  const mailsTo = (userIdx: number) => inbox.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === cls.students[userIdx]!.email);

  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma, { policy: { minTestAccuracy: 0.5 }, students: 4 });
    await new Promise<void>((resolve) => {
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData(stream, _session, callback) {
          simpleParser(stream)
            .then((m) => {
              if (refuseNext > 0) {
                refuseNext--;
                const e = new Error('mailbox busy, try again later') as Error & { responseCode: number };
                e.responseCode = 451;
                callback(e);
                return;
              }
              inbox.push(m);
              callback();
            })
            .catch((e: unknown) => callback(e instanceof Error ? e : new Error(String(e))));
        },
      });
      smtp.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (smtp.server.address() as { port: number }).port;
    mailer = createMailer(`smtp://127.0.0.1:${port}`, 'Epoch <epoch@school.test>');
    handlers = {
      [RESULT_EMAIL]: resultEmailHandler({ prisma: db.prisma, mailer, publicUrl }),
      [DEADLINE_REMINDER]: reminderEmailHandler({ prisma: db.prisma, mailer, publicUrl }),
    };
    await optIn(0, { emailOnResult: true });
  });
  afterAll(async () => {
    mailer?.close();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    await db?.drop();
    rmSync(storeDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    inbox.length = 0;
    refuseNext = 0;
  });

  it('writes the result notice in the transaction that ends the attempt: one row for an opted-in student, none otherwise or when the attempt no longer owns it', async () => {
    const mine = await submission(0);
    await finishGraded(db.prisma, mine, graded(0.6), cls.policy, scheduleOf(cls.policy), store);
    expect((await outboxOf(mine.id)).map((r) => [r.kind, r.key, r.status, r.payload])).toEqual([
      [RESULT_EMAIL, `${RESULT_EMAIL}:${mine.id}:1:PASSED`, 'PENDING', { submissionId: mine.id, attempt: 1, status: 'PASSED' }],
    ]);
    // Ending it again (a stale attempt) changes nothing and writes nothing more.
    await finishGraded(db.prisma, mine, graded(0.6), cls.policy, scheduleOf(cls.policy), store);
    expect(await outboxOf(mine.id)).toHaveLength(1);
    // Student 2 did not opt in: the result is stored, no notice is written.
    const theirs = await submission(1);
    await finishGraded(db.prisma, theirs, graded(0.6), cls.policy, scheduleOf(cls.policy), store);
    expect(await outboxOf(theirs.id)).toEqual([]);
    // failStudent, the final failInfra and a re-decision to the other verdict each write their own notice.
    const rejected = await submission(0);
    await failStudent(db.prisma, rejected, 'REJECTED', 'too many parameters');
    const errored = await submission(0);
    await failInfra(db.prisma, errored, 'the training process crashed', { final: false });
    expect(await outboxOf(errored.id)).toEqual([]);
    const again = await claim(db.prisma, errored.id);
    await failInfra(db.prisma, { id: errored.id, attempt: (again as { attempt: number }).attempt }, 'the training process crashed', { final: true });
    expect((await outboxOf(rejected.id)).map((r) => r.key)).toEqual([`${RESULT_EMAIL}:${rejected.id}:1:REJECTED`]);
    expect((await outboxOf(errored.id)).map((r) => r.key)).toEqual([`${RESULT_EMAIL}:${errored.id}:2:ERROR`]);
    await db.prisma.$transaction((tx) => redecide(tx, cls.exerciseId, { ...cls.policy, minTestAccuracy: 0.7 }, scheduleOf(cls.policy), [mine.id]));
    expect((await outboxOf(mine.id)).map((r) => r.key)).toEqual([`${RESULT_EMAIL}:${mine.id}:1:PASSED`, `${RESULT_EMAIL}:${mine.id}:1:FAILED`]);
    await db.prisma.outboxMessage.deleteMany({});
  });

  it('delivers a result written before a crash exactly once: the dispatcher started afterwards sends it, and sweeping again sends nothing more', async () => {
    // The grader writes the result and dies before anything is sent: only the row exists.
    const s = await submission(0);
    await finishGraded(db.prisma, s, graded(0.61), cls.policy, scheduleOf(cls.policy), store);
    expect(inbox).toHaveLength(0);
    const prefix = `${inject('redisPrefix')}-outbox-${Date.now()}`;
    const dispatcher = startOutboxDispatcher({
      prisma: db.prisma,
      redisUrl: inject('redisUrl'),
      prefix,
      handlers,
      sweepEveryMs: 200,
      backoffMs: 100,
    });
    try {
      await waitFor('the result e-mail', () => mailsTo(0).length === 1);
      await waitFor('the row marked sent', async () => (await outboxOf(s.id))[0]?.status === 'SENT');
      const [row] = await outboxOf(s.id);
      expect(row).toMatchObject({ status: 'SENT', attempts: 1, lastError: null });
      const mail = mailsTo(0)[0]!;
      expect(mail.subject).toBe(`Epoch: your "Exercise ${cls.exerciseSlug.slice('exercise-'.length)}" submission passed`);
      expect(mail.text).toContain('Test accuracy: 61.0%');
      expect(mail.text).toContain(`${publicUrl}/submissions/${s.id}`);
      expect(mail.messageId).toBe(`<${RESULT_EMAIL}.${s.id}.1.PASSED@epoch.school.test>`);
      // More sweeps (and a second dispatcher) find nothing to send.
      await dispatcher.sweep();
      const second = startOutboxDispatcher({ prisma: db.prisma, redisUrl: inject('redisUrl'), prefix, handlers, sweepEveryMs: 200 });
      await new Promise((r) => setTimeout(r, 1500));
      await second.close();
      expect(mailsTo(0)).toHaveLength(1);
      expect(await deliverOutboxMessage(db.prisma, row!.id, handlers, { final: false, leaseMs: 60_000 })).toBe('done-already');
    } finally {
      await dispatcher.close();
    }
  });

  it('a crash after the claim, before the send: the message waits for its lease, then is sent once', async () => {
    const s = await submission(0);
    await finishGraded(db.prisma, s, graded(0.62), cls.policy, scheduleOf(cls.policy), store);
    const [row] = await outboxOf(s.id);
    const crash = () => {
      throw new Error('process died');
    };
    await expect(deliverOutboxMessage(db.prisma, row!.id, handlers, { final: false, leaseMs: 60_000, afterClaim: crash })).rejects.toThrow('process died');
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row!.id } })).toMatchObject({ status: 'SENDING', attempts: 1 });
    // Another try within the lease does not send it (the first might still be sending).
    await expect(deliverOutboxMessage(db.prisma, row!.id, handlers, { final: false, leaseMs: 60_000 })).rejects.toThrow(OutboxBusyError);
    expect(inbox).toHaveLength(0);
    // Once the lease has run out, it is delivered, once.
    await new Promise((r) => setTimeout(r, 300));
    expect(await deliverOutboxMessage(db.prisma, row!.id, handlers, { final: false, leaseMs: 200 })).toBe('sent');
    expect(await deliverOutboxMessage(db.prisma, row!.id, handlers, { final: false, leaseMs: 200 })).toBe('done-already');
    expect(mailsTo(0)).toHaveLength(1);
  });

  it('a crash after the send, before it is marked sent: sent again after the lease (at least once), with the same Message-ID', async () => {
    const s = await submission(0);
    await finishGraded(db.prisma, s, graded(0.63), cls.policy, scheduleOf(cls.policy), store);
    const [row] = await outboxOf(s.id);
    await expect(
      deliverOutboxMessage(db.prisma, row!.id, handlers, {
        final: false,
        leaseMs: 200,
        afterSend: () => {
          throw new Error('process died');
        },
      }),
    ).rejects.toThrow('process died');
    expect(mailsTo(0)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await deliverOutboxMessage(db.prisma, row!.id, handlers, { final: false, leaseMs: 200 })).toBe('sent');
    const mails = mailsTo(0);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.messageId).toBe(mails[0]!.messageId);
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row!.id } })).toMatchObject({ status: 'SENT', attempts: 2 });
  });

  it('retries with backoff while the SMTP server refuses, records each failure, and ends FAILED with the reason when the tries run out', async () => {
    const prefix = `${inject('redisPrefix')}-outbox-retry-${Date.now()}`;
    const dispatcher = startOutboxDispatcher({
      prisma: db.prisma,
      redisUrl: inject('redisUrl'),
      prefix,
      handlers,
      sweepEveryMs: 200,
      attempts: 4,
      backoffMs: 100,
    });
    try {
      refuseNext = 2;
      const s = await submission(0);
      await finishGraded(db.prisma, s, graded(0.64), cls.policy, scheduleOf(cls.policy), store);
      await waitFor('the e-mail after two refusals', () => mailsTo(0).length === 1);
      await waitFor('the row marked sent', async () => (await outboxOf(s.id))[0]?.status === 'SENT');
      expect((await outboxOf(s.id))[0]).toMatchObject({ status: 'SENT', attempts: 3, lastError: null });

      refuseNext = 100;
      const t = await submission(0);
      await finishGraded(db.prisma, t, graded(0.65), cls.policy, scheduleOf(cls.policy), store);
      await waitFor('the row failed for good', async () => (await outboxOf(t.id))[0]?.status === 'FAILED');
      const failed = (await outboxOf(t.id))[0]!;
      expect(failed.attempts).toBe(4);
      expect(failed.lastError).toContain('mailbox busy, try again later');
      expect(mailsTo(0)).toHaveLength(1);
    } finally {
      refuseNext = 0;
      await dispatcher.close();
    }
  });

  it('never waits on Redis: starts while Redis is down, delivers once it is up, resumes after Redis comes back empty, and closes promptly while it is down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epoch-outbox-redis-'));
    const port = await freePort();
    const t0 = performance.now();
    const dispatcher = startOutboxDispatcher({
      prisma: db.prisma,
      redisUrl: `redis://127.0.0.1:${port}`,
      prefix: `${inject('redisPrefix')}-outbox-outage`,
      handlers,
      sweepEveryMs: 200,
      backoffMs: 100,
      closeTimeoutMs: 1_000,
    });
    expect(performance.now() - t0).toBeLessThan(1_000);
    let redis = null as Awaited<ReturnType<typeof startRedis>> | null;
    try {
      const s = await submission(0);
      await finishGraded(db.prisma, s, graded(0.62), cls.policy, scheduleOf(cls.policy), store);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(mailsTo(0)).toHaveLength(0);
      expect((await outboxOf(s.id))[0]?.status).toBe('PENDING');

      redis = await startRedis(port, dir);
      expect(await dispatcher.ready).toBe(true);
      await waitFor('the e-mail once Redis is up', () => mailsTo(0).length === 1);

      // Redis dies and comes back with nothing (no persistence): the schedules are written again, the row is found again.
      await stopRedis(redis);
      const t = await submission(0);
      await finishGraded(db.prisma, t, graded(0.63), cls.policy, scheduleOf(cls.policy), store);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(mailsTo(0)).toHaveLength(1);
      redis = await startRedis(port, dir);
      await waitFor('the second e-mail after Redis came back empty', () => mailsTo(0).length === 2);
      // The SMTP server has the message before the dispatcher marks the row: wait for the mark, then check it was one try.
      await waitFor('the second row marked sent', async () => (await outboxOf(t.id))[0]?.status === 'SENT');
      expect((await outboxOf(t.id))[0]).toMatchObject({ status: 'SENT', attempts: 1 });

      // Closing while Redis is gone returns within the close timeout instead of hanging a shutdown.
      await stopRedis(redis);
      redis = null;
      const c0 = performance.now();
      await dispatcher.close();
      expect(performance.now() - c0).toBeLessThan(3_000);
    } finally {
      await dispatcher.close();
      if (redis) await stopRedis(redis);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a dispatcher closed before Redis ever answered reports that it never scheduled anything', async () => {
    const dispatcher = startOutboxDispatcher({
      prisma: db.prisma,
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      prefix: 'never',
      handlers,
      closeTimeoutMs: 500,
    });
    const c0 = performance.now();
    await dispatcher.close();
    expect(performance.now() - c0).toBeLessThan(2_000);
    expect(await dispatcher.ready).toBe(false);
  });

  it('respects preferences and configuration at delivery: opted out meanwhile or no SMTP server is skipped with why; an unknown kind or a bad payload fails at once', async () => {
    const s = await submission(0);
    await finishGraded(db.prisma, s, graded(0.66), cls.policy, scheduleOf(cls.policy), store);
    const [row] = await outboxOf(s.id);
    const noSmtp = { [RESULT_EMAIL]: resultEmailHandler({ prisma: db.prisma, mailer: null, publicUrl }) };
    expect(await deliverOutboxMessage(db.prisma, row!.id, noSmtp, { final: false, leaseMs: 60_000 })).toBe('skipped');
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row!.id } })).toMatchObject({
      status: 'SKIPPED',
      lastError: 'no SMTP server is configured (EPOCH_SMTP_URL)',
    });

    const t = await submission(0);
    await finishGraded(db.prisma, t, graded(0.67), cls.policy, scheduleOf(cls.policy), store);
    await optIn(0, { emailOnResult: false });
    const [trow] = await outboxOf(t.id);
    expect(await deliverOutboxMessage(db.prisma, trow!.id, handlers, { final: false, leaseMs: 60_000 })).toBe('skipped');
    expect((await outboxOf(t.id))[0]!.lastError).toBe('the student turned result e-mails off');
    expect(inbox).toHaveLength(0);
    await optIn(0, { emailOnResult: true });

    await enqueueOutbox(
      db.prisma,
      { kind: 'carrier-pigeon', key: 'pigeon-1', payload: {} },
      { kind: RESULT_EMAIL, key: 'bad-1', payload: { submissionId: 7 } },
    );
    const pigeon = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { key: 'pigeon-1' } });
    await expect(deliverOutboxMessage(db.prisma, pigeon.id, handlers, { final: false, leaseMs: 60_000 })).rejects.toThrow(
      'no delivery handler for the kind "carrier-pigeon"',
    );
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { key: 'pigeon-1' } })).toMatchObject({ status: 'FAILED' });
    const bad = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { key: 'bad-1' } });
    await expect(deliverOutboxMessage(db.prisma, bad.id, handlers, { final: false, leaseMs: 60_000 })).rejects.toThrow(
      'invalid result-email payload: submissionId',
    );
    // Writing the same key twice is one message.
    expect(await enqueueOutbox(db.prisma, { kind: 'carrier-pigeon', key: 'pigeon-1', payload: {} })).toBe(0);
  });

  it('a handler registered for a new kind is delivered by the same dispatcher (the registry is generic)', async () => {
    const seen: string[] = [];
    const custom = {
      ...handlers,
      'grade-passback': outboxHandler({
        payload: z.object({ score: z.number() }),
        deliver: async (p: { score: number }) => (seen.push(String(p.score)), { sent: true as const }),
      }),
    };
    await enqueueOutbox(db.prisma, { kind: 'grade-passback', key: 'passback-1', payload: { score: 0.8 } });
    const row = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { key: 'passback-1' } });
    expect(await deliverOutboxMessage(db.prisma, row.id, custom, { final: false, leaseMs: 60_000 })).toBe('sent');
    expect(seen).toEqual(['0.8']);
  });

  it('deadline reminders: once per student per exercise per deadline, only for students who turned them on and have not passed', async () => {
    const deadline = new Date(Date.now() + 12 * 3600_000);
    const r = await createClass(db.prisma, { policy: { minTestAccuracy: 0.5, deadline: deadline.toISOString() }, students: 3 });
    const far = await createClass(db.prisma, { policy: { minTestAccuracy: 0.5, deadline: new Date(Date.now() + 72 * 3600_000).toISOString() }, students: 1 });
    const [a, b, c] = r.students;
    for (const u of [a!, b!, far.students[0]!]) await db.prisma.notificationPreferences.create({ data: { userId: u.id, reminders: true } });
    await db.prisma.notificationPreferences.create({ data: { userId: c!.id, reminders: false } });
    // b has passed.
    const sb = await createSubmission(
      db.prisma,
      { userId: b!.id, exerciseId: r.exerciseId, source: '#', idempotencyKey: 'b-1', policyVersion: 1, modelSpec: {} },
      'QUEUED',
    );
    const cb = (await claim(db.prisma, sb.id)) as { attempt: number };
    await finishGraded(db.prisma, { id: sb.id, attempt: cb.attempt }, graded(0.9), r.policy, scheduleOf(r.policy), store);

    expect(await writeDeadlineReminders(db.prisma)).toBe(1);
    expect(await writeDeadlineReminders(db.prisma)).toBe(0);
    const rows = await db.prisma.outboxMessage.findMany({ where: { kind: DEADLINE_REMINDER } });
    expect(rows.map((x) => x.key)).toEqual([`${DEADLINE_REMINDER}:${a!.id}:${r.exerciseId}:${deadline.toISOString()}`]);
    // An extension is the student's deadline: one moved into the next 24 h is reminded of; one moved out of it is not.
    const extended = new Date(Date.now() + 10 * 3600_000);
    await db.prisma.studentException.create({ data: { exerciseId: far.exerciseId, userId: far.students[0]!.id, deadline: extended } });
    await db.prisma.studentException.create({ data: { exerciseId: r.exerciseId, userId: a!.id, deadline: new Date(Date.now() + 96 * 3600_000) } });
    expect(await writeDeadlineReminders(db.prisma)).toBe(1);
    expect((await db.prisma.outboxMessage.findMany({ where: { kind: DEADLINE_REMINDER }, orderBy: { createdAt: 'asc' } })).map((x) => x.key)).toEqual([
      `${DEADLINE_REMINDER}:${a!.id}:${r.exerciseId}:${deadline.toISOString()}`,
      `${DEADLINE_REMINDER}:${far.students[0]!.id}:${far.exerciseId}:${extended.toISOString()}`,
    ]);
    // a's reminder of the old deadline is skipped at delivery: the extension moved it.
    expect(await deliverOutboxMessage(db.prisma, rows[0]!.id, handlers, { final: false, leaseMs: 60_000 })).toBe('skipped');
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: rows[0]!.id } })).lastError).toBe('the deadline changed');
    await db.prisma.studentException.deleteMany({ where: { userId: a!.id } });
    await db.prisma.outboxMessage.update({ where: { id: rows[0]!.id }, data: { status: 'PENDING' } });
    expect(await deliverOutboxMessage(db.prisma, rows[0]!.id, handlers, { final: false, leaseMs: 60_000 })).toBe('sent');
    const mail = inbox.find((m) => !Array.isArray(m.to) && m.to?.value[0]?.address === a!.email)!;
    expect(mail.subject).toMatch(/is due .* \(UTC\)$/);
    expect(mail.text).toContain(`${publicUrl}/courses/${r.courseSlug}/exercises/${r.exerciseSlug}`);
    expect(inbox).toHaveLength(1);
    // Run again later the same day: still one reminder.
    expect(await writeDeadlineReminders(db.prisma, new Date(Date.now() + 3600_000))).toBe(0);
  });
});
