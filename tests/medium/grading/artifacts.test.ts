import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FsArtifactStore, describeBytes } from '@epoch/artifacts';
import { applyMigrations, createPrismaClient } from '@epoch/db';
import { applyArtifactRetention, claim, createSubmission, finishGraded, moveArtifactBytesToStore, scheduleOf, type TGradedResult } from '@epoch/grading';
import { repoRoot } from '@epoch/cli';
import { createClass, freshDatabase, type TClassFixture, type TMediumDb, TINY_SPEC } from '../harness';

const DAY = 86_400_000;

/** A graded result whose weights differ per submission (so each has its own object) and whose plot is shared. */
const graded = (testAccuracy: number, weights: string): TGradedResult => ({
  testAccuracy,
  testLoss: 1,
  perClassAccuracy: [],
  confusionMatrix: [],
  backend: 'wasm',
  backendVersions: {},
  seed: 42,
  queueWaitMs: 0,
  trainingMs: 1,
  evaluationMs: 1,
  artifacts: [
    { kind: 'ACCURACY_PLOT', name: 'accuracy.png', contentType: 'image/png', bytes: new Uint8Array([1, 2, 3]) },
    { kind: 'WEIGHTS', name: 'weights.bin', contentType: 'application/octet-stream', bytes: new Uint8Array(Buffer.from(weights)) },
  ],
});

describe('artifacts out of Postgres: the store, the retention and the move of old bytes', () => {
  let db: TMediumDb;
  let cls: TClassFixture;
  let dir: string;
  let store: FsArtifactStore;
  let n = 0;

  /** A submission of `student` graded to `acc` through the lifecycle, `daysAgo` days ago. */
  const gradedSubmission = async (student: number, acc: number, daysAgo: number): Promise<string> => {
    const s = await createSubmission(
      db.prisma,
      { userId: cls.students[student]!.id, exerciseId: cls.exerciseId, source: '#', idempotencyKey: `a-${++n}`, policyVersion: 1, modelSpec: TINY_SPEC },
      'QUEUED',
    );
    const c = await claim(db.prisma, s.id);
    if (!('attempt' in c)) throw new Error(c.skip);
    await finishGraded(db.prisma, { id: s.id, attempt: c.attempt }, graded(acc, `weights of ${s.id}`), cls.policy, scheduleOf(cls.policy), store);
    const at = new Date(Date.now() - daysAgo * DAY - n * 1000);
    await db.prisma.submission.update({ where: { id: s.id }, data: { createdAt: at } });
    await db.prisma.artifact.updateMany({ where: { submissionId: s.id }, data: { createdAt: at } });
    return s.id;
  };
  const weightsOf = async (id: string) => db.prisma.artifact.findUnique({ where: { submissionId_name: { submissionId: id, name: 'weights.bin' } } });
  const keys = async () => {
    const out: string[] = [];
    for await (const o of store.list()) out.push(o.key);
    return out;
  };

  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma, { students: 2 });
    dir = mkdtempSync(join(tmpdir(), 'epoch-medium-artifacts-'));
    store = new FsArtifactStore(join(dir, 'store'));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the weights that count (each student's latest and best graded submission), drops the others' after N days, and the objects nothing refers to", async () => {
    const old = await gradedSubmission(0, 0.4, 60); // neither latest nor best: expires
    const best = await gradedSubmission(0, 0.9, 50); // best: kept
    const recent = await gradedSubmission(0, 0.5, 5); // not counted, but younger than 30 days: kept
    const latest = await gradedSubmission(0, 0.6, 1); // latest: kept
    const other = await gradedSubmission(1, 0.3, 90); // the other student's only one: latest and best, kept
    const stray = await store.put(new Uint8Array(Buffer.from('bytes a discarded attempt left behind')));
    const oldWeights = (await weightsOf(old))!;
    const now = new Date(Date.now() + 2 * 3_600_000); // past the clean-up's grace period for every object

    const dry = await applyArtifactRetention({ prisma: db.prisma, artifacts: store }, { keepDays: 30, now, dryRun: true });
    expect(dry).toEqual({ weightsDropped: 1, objectsDeleted: 2, bytesFreed: oldWeights.size + stray.size, dryRun: true });
    expect(await weightsOf(old)).not.toBeNull();
    expect(await keys()).toContain(stray.key);

    const r = await applyArtifactRetention({ prisma: db.prisma, artifacts: store }, { keepDays: 30, now });
    expect(r).toEqual({ weightsDropped: 1, objectsDeleted: 2, bytesFreed: oldWeights.size + stray.size, dryRun: false });
    expect(await weightsOf(old)).toBeNull();
    for (const id of [best, recent, latest, other]) expect(await store.get((await weightsOf(id))!.storageKey)).toBeInstanceOf(Buffer);
    const left = await keys();
    expect(left).not.toContain(oldWeights.storageKey);
    expect(left).not.toContain(stray.key);
    // Plots stay, and their one shared object with them.
    expect(await db.prisma.artifact.count({ where: { submissionId: old, kind: 'ACCURACY_PLOT' } })).toBe(1);
    expect(left).toContain(describeBytes(new Uint8Array([1, 2, 3])).key);
    // An object written a moment ago (its row may not be committed yet) is left alone.
    const fresh = await store.put(new Uint8Array(Buffer.from('just written')));
    expect((await applyArtifactRetention({ prisma: db.prisma, artifacts: store }, { keepDays: 30 })).objectsDeleted).toBe(0);
    expect(await keys()).toContain(fresh.key);
  });

  it('moves the bytes of rows from before the store out of Postgres: the migration fills size, hash and key, the move empties the column', async () => {
    // A database at the migration before the artifact store, with artifact rows holding their bytes.
    const name = `epoch_medium_premove_${randomBytes(4).toString('hex')}`;
    const adminUrl = inject('pgAdminUrl');
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    const url = u.toString();
    const root = repoRoot();
    const before = join(dir, 'migrations-before');
    for (const m of readdirSync(join(root, 'prisma/migrations')).filter((m) => m < '20261206005802')) {
      cpSync(join(root, 'prisma/migrations', m), join(before, m), { recursive: true });
    }
    const schemaPath = join(root, 'prisma/schema.prisma');
    await applyMigrations({ databaseUrl: url, migrationsDir: before, schemaPath });
    const old = new pg.Client({ connectionString: url });
    await old.connect();
    const contents = [Buffer.from('a plot from before'), Buffer.from('weights from before'), Buffer.from('a plot from before')];
    try {
      // The least a submission needs at that version: a user, a course, an exercise.
      await old.query(`INSERT INTO "users" ("id", "email", "name", "passwordHash", "updatedAt") VALUES ('u', 'u@epoch.test', 'U', 'x', now())`);
      await old.query(`INSERT INTO "courses" ("id", "slug", "title", "description", "enrollmentCode", "updatedAt") VALUES ('c', 'c', 'C', '', 'C', now())`);
      await old.query(
        `INSERT INTO "exercises" ("id", "courseId", "slug", "title", "position", "instructions", "starterCode", "solutionCode", "updatedAt") VALUES ('e', 'c', 'e', 'E', 1, '', '', '', now())`,
      );
      await old.query(
        `INSERT INTO "submissions" ("id", "userId", "exerciseId", "source", "idempotencyKey", "policyVersion", "status") VALUES ('s', 'u', 'e', '#', 'k', 1, 'PASSED')`,
      );
      for (const [i, bytes] of contents.entries()) {
        await old.query(
          `INSERT INTO "artifacts" ("id", "submissionId", "kind", "name", "contentType", "bytes") VALUES ($1, 's', 'DATA_JSON', $2, 'application/json', $3)`,
          [`old-${i}`, `a${i}.json`, bytes],
        );
      }
    } finally {
      await old.end();
    }
    // The artifact store's migration and every later one are applied.
    const later = readdirSync(join(root, 'prisma/migrations')).filter((m) => m >= '20261206005802' && !m.endsWith('.toml'));
    expect(later[0]).toMatch(/_artifact_store$/);
    expect(await applyMigrations({ databaseUrl: url, migrationsDir: join(root, 'prisma/migrations'), schemaPath })).toEqual(later.sort());
    const prisma = createPrismaClient(url, { maxConnections: 2 });
    try {
      const rows = await prisma.artifact.findMany({ orderBy: { id: 'asc' } });
      for (const [i, r] of rows.entries()) {
        const d = describeBytes(contents[i]!);
        expect(r).toMatchObject({ size: d.size, sha256: d.sha256, storageKey: d.key });
        expect(Buffer.from(r.bytes!).equals(contents[i]!)).toBe(true);
      }
      const moveStore = new FsArtifactStore(join(dir, 'moved'));
      expect(await moveArtifactBytesToStore({ prisma, artifacts: moveStore }, { batch: 2 })).toEqual({
        moved: 3,
        bytes: contents.reduce((a, b) => a + b.length, 0),
      });
      for (const [i, r] of (await prisma.artifact.findMany({ orderBy: { id: 'asc' } })).entries()) {
        expect(r.bytes).toBeNull();
        expect((await moveStore.get(r.storageKey)).equals(contents[i]!)).toBe(true);
      }
      // Again: nothing left to move.
      expect(await moveArtifactBytesToStore({ prisma, artifacts: moveStore })).toEqual({ moved: 0, bytes: 0 });
    } finally {
      await prisma.$disconnect();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    }
  });
});
