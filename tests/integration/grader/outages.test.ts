import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZGradingProgress } from '@epoch/contracts';
import { createDatabase, ensurePostgres, ensureRedis, pingRedis, stopPostgres, stopRedis } from '@epoch/cli';
import { applyMigrations } from '@epoch/db';
import { freePort, root, waitFor, type RunningProcess } from '../helpers';
import {
  createExercise,
  createSubmission,
  enqueue,
  setUpGraderEnv,
  SLOW_DENSE,
  source,
  startGrader,
  TINY_CNN,
  waitForStatus,
  type GraderEnv,
} from './grader-harness';

/** How long each service stays down: several times the tests' 4 s queue lock and their 1 s stall check. */
const OUTAGE_MS = 20_000;
const EPOCHS = 12;

const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A folder Postgres (run as its own user when we are root) can use. */
function serviceDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `epoch-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** The job's live report, once it says `phase`. */
async function phaseReached(g: GraderEnv, id: string, phase: string, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const p = ZGradingProgress.safeParse((await g.queue.getJob(id))?.progress);
      return p.success && p.data.phase === phase ? true : undefined;
    },
    timeoutMs,
    `phase ${phase}`,
  );
}

/** Exactly one result, from an attempt whose every epoch is stored. */
async function oneCompleteResult(g: GraderEnv, id: string, epochs: number): Promise<void> {
  expect(await g.prisma.result.count({ where: { submissionId: id } })).toBe(1);
  const r = await g.prisma.result.findUniqueOrThrow({ where: { submissionId: id } });
  const rows = await g.prisma.epochMetric.findMany({ where: { submissionId: id, attempt: r.attempt }, orderBy: { epoch: 'asc' } });
  expect(rows.map((e) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
}

describe('the grader waits out Postgres and Redis outages (real grader, services of the test’s own, stopped mid-training)', () => {
  describe('Postgres', () => {
    let dir: string;
    let port: number;
    let g: GraderEnv;
    let grader: RunningProcess | undefined;

    beforeAll(async () => {
      dir = serviceDir('pg-outage');
      port = await freePort();
      const pg = await ensurePostgres(dir, port, log);
      const databaseUrl = await createDatabase(pg.adminUrl, 'epoch_outage');
      await applyMigrations({ databaseUrl, migrationsDir: join(root, 'prisma/migrations'), schemaPath: join(root, 'prisma/schema.prisma') });
      g = await setUpGraderEnv('pg-outage', { databaseUrl });
    }, 180_000);
    afterAll(async () => {
      if (grader?.child.exitCode === null) grader.child.kill('SIGKILL');
      await g?.cleanup();
      stopPostgres(dir);
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps training through the outage, stores exactly one complete result when Postgres is back, and goes on grading', async () => {
      grader = await startGrader(g);
      const ex = await createExercise(g, { minTestAccuracy: 0 });
      const id = await createSubmission(g, ex, source({ layers: SLOW_DENSE, epochs: EPOCHS }));
      await enqueue(g, id);
      await waitFor(async () => (await g.prisma.epochMetric.findFirst({ where: { submissionId: id } })) ?? undefined, 90_000, 'the first epoch');

      expect(stopPostgres(dir)).toBe(true);
      const stoppedAt = Date.now();
      // Training goes on in the child; the result waits for the database (the job's progress is in Redis).
      await phaseReached(g, id, 'storing', 90_000);
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
      expect(grader.child.exitCode).toBeNull();
      await ensurePostgres(dir, port, log);

      const s = await waitForStatus(g, id, 60_000, undefined, grader);
      expect(s.status).toBe('PASSED');
      expect(s.attemptCount).toBe(1);
      await oneCompleteResult(g, id, EPOCHS);
      const out = grader.output();
      expect(out).toMatch(/storing the result: the database is unavailable; trying again until it is back/);
      expect(out).toMatch(/storing the result: the database is back/);
      expect(out).not.toMatch(/unhandled promise rejection/);

      // Still a working grader.
      const after = await createSubmission(g, ex, source({ layers: TINY_CNN, epochs: 1 }));
      await enqueue(g, after);
      expect((await waitForStatus(g, after, 60_000, undefined, grader)).status).toBe('PASSED');
      expect(await grader.stop()).toBe(0);
    }, 300_000);
  });

  describe('Redis', () => {
    let dir: string;
    let port: number;
    let g: GraderEnv;
    let grader: RunningProcess | undefined;

    beforeAll(async () => {
      dir = serviceDir('redis-outage');
      port = await freePort();
      const redis = await ensureRedis(dir, port, log);
      g = await setUpGraderEnv('redis-outage', { redisUrl: redis.url });
      // This file's own queue clients see the outage too: their errors are expected, not failures of the test.
      for (const q of Object.values(g.queues)) q.on('error', () => undefined);
    }, 180_000);
    afterAll(async () => {
      if (grader?.child.exitCode === null) grader.child.kill('SIGKILL');
      await g?.cleanup();
      stopRedis(dir);
      rmSync(dir, { recursive: true, force: true });
    });

    const stopFor = async (ms: number) => {
      expect(stopRedis(dir)).toBe(true);
      await waitFor(async () => ((await pingRedis(port)) ? undefined : true), 10_000, 'Redis to stop');
      await sleep(ms);
      expect(grader!.child.exitCode).toBeNull();
      await ensureRedis(dir, port, log);
      await waitFor(async () => (/Redis is back/.test(grader!.output()) ? true : undefined), 30_000, 'the grader to see Redis back');
    };
    const firstEpoch = (id: string) =>
      waitFor(async () => (await g.prisma.epochMetric.findFirst({ where: { submissionId: id } })) ?? undefined, 90_000, 'the first epoch');

    it('keeps training while Redis is away and stores the one result; the job is then found done', async () => {
      grader = await startGrader(g);
      const ex = await createExercise(g, { minTestAccuracy: 0 });
      const id = await createSubmission(g, ex, source({ layers: SLOW_DENSE, epochs: EPOCHS }));
      await enqueue(g, id);
      await firstEpoch(id);
      expect(stopRedis(dir)).toBe(true);
      await waitFor(async () => ((await pingRedis(port)) ? undefined : true), 10_000, 'Redis to stop');
      // Training and the result need only the child and Postgres.
      const s = await waitForStatus(g, id, 90_000, undefined, grader);
      expect(s.status).toBe('PASSED');
      await sleep(OUTAGE_MS / 2);
      expect(grader.child.exitCode).toBeNull();
      await ensureRedis(dir, port, log);
      await waitFor(async () => (/Redis is back/.test(grader!.output()) ? true : undefined), 30_000, 'the grader to see Redis back');
      // The job is completed, or (its lock expired meanwhile) taken again and skipped: never trained twice.
      await waitFor(async () => ((await g.queue.getJob(id)) === undefined ? true : undefined), 30_000, 'the job to end');
      expect((await g.prisma.submission.findUniqueOrThrow({ where: { id } })).attemptCount).toBe(1);
      await oneCompleteResult(g, id, EPOCHS);
      expect(grader.output()).toMatch(/Redis is unavailable/);
      expect(grader.output()).not.toMatch(/unhandled promise rejection/);
    }, 300_000);

    it('stops an attempt whose lock expired while Redis was away (it stores nothing) and trains the job again; then goes on grading', async () => {
      const ex = await createExercise(g, { minTestAccuracy: 0, maxEpochs: 1000 });
      // Long enough to outlast the outage by far.
      const id = await createSubmission(g, ex, source({ layers: SLOW_DENSE, epochs: 300 }));
      await enqueue(g, id);
      await firstEpoch(id);
      const firstChild = /"submissionId":"[^"]+","child":(\d+),"msg":"training in a child process"/.exec(
        grader!
          .output()
          .split('\n')
          .filter((l) => l.includes(id) && l.includes('training in a child process'))[0] ?? '',
      );
      await stopFor(OUTAGE_MS);
      await waitFor(async () => (/the job's lock could not be renewed/.test(grader!.output()) ? true : undefined), 30_000, 'the lock to be lost');
      const s = await waitFor(
        async () => {
          const row = await g.prisma.submission.findUniqueOrThrow({ where: { id } });
          return row.status === 'RUNNING' && row.attemptCount === 2 ? row : undefined;
        },
        60_000,
        'attempt 2',
      );
      expect(s.attemptCount).toBe(2);
      expect(await g.prisma.result.count({ where: { submissionId: id } })).toBe(0);
      if (firstChild) expect(() => process.kill(Number(firstChild[1]), 0)).toThrow();
      // The student gives up on it; the grader stops training at once.
      await g.prisma.submission.update({ where: { id }, data: { status: 'CANCELLED' } });
      await waitFor(async () => (/training stopped: the submission was cancelled/.test(grader!.output()) ? true : undefined), 30_000, 'the cancellation');
      expect(grader!.output()).not.toMatch(/unhandled promise rejection/);

      const after = await createSubmission(g, ex, source({ layers: TINY_CNN, epochs: 1 }));
      await enqueue(g, after);
      expect((await waitForStatus(g, after, 90_000, undefined, grader)).status).toBe('PASSED');
      expect(await grader!.stop()).toBe(0);
    }, 300_000);
  });
});
