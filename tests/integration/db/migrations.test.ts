import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  createMigration,
  DatabaseUnreachableError,
  markMigrationRolledBack,
  MigrationFailedError,
  migrationChecksum,
  migrationStatus,
  resetDatabase,
  SchemaEngineError,
} from '@epoch/db';
import { adminQuery, migrationsDir, schemaPath, scratchPrisma, shadowDatabases, throwawayDatabase, urlFor } from './throwaway-db';

const expectedTables = [
  'artifacts',
  'audit_logs',
  'calibrations',
  'content_syncs',
  'course_assets',
  'courses',
  'enrollments',
  'epoch_metrics',
  'exercises',
  'grading_policies',
  'grading_policy_changes',
  'lesson_step_versions',
  'lesson_steps',
  'lessons',
  'lti_contexts',
  'lti_platforms',
  'lti_resource_links',
  'lti_tool_keys',
  'lti_users',
  'notification_preferences',
  'outbox_messages',
  'password_resets',
  'results',
  'sessions',
  'student_exceptions',
  'submissions',
  'users',
];

async function localMigrations(dir = migrationsDir): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

interface TRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}
async function migrationRows(url: string): Promise<TRow[]> {
  return adminQuery<TRow>(
    'SELECT migration_name, checksum, finished_at, started_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    [],
    url,
  );
}

async function tablesOf(url: string): Promise<string[]> {
  const rows = await adminQuery<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name`,
    [],
    url,
  );
  return rows.map((r) => r.table_name);
}

describe('applyMigrations on an empty database', () => {
  let db: Awaited<ReturnType<typeof throwawayDatabase>>;
  beforeAll(async () => {
    db = await throwawayDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates every table and records each migration as prisma migrate deploy does', async () => {
    const local = await localMigrations();
    expect(local.length).toBeGreaterThan(0);
    const before = await migrationStatus({ databaseUrl: db.url, migrationsDir });
    expect(before).toMatchObject({ hasMigrationsTable: false, applied: [], pending: local, upToDate: false });

    expect(await applyMigrations({ databaseUrl: db.url, migrationsDir, schemaPath })).toEqual(local);

    expect(await tablesOf(db.url)).toEqual(expectedTables);
    const rows = await migrationRows(db.url);
    expect(rows.map((r) => r.migration_name)).toEqual(local);
    for (const row of rows) {
      const sql = await readFile(join(migrationsDir, row.migration_name, 'migration.sql'), 'utf8');
      expect(row.checksum).toBe(migrationChecksum(sql));
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await migrationStatus({ databaseUrl: db.url, migrationsDir })).toMatchObject({ applied: local, pending: [], failed: [], upToDate: true });
  });

  it('does nothing when run again', async () => {
    const before = await migrationRows(db.url);
    expect(await applyMigrations({ databaseUrl: db.url, migrationsDir, schemaPath })).toEqual([]);
    expect(await migrationRows(db.url)).toEqual(before);
  });
});

describe('the committed migrations', () => {
  it('match the schema: creating a migration from them finds nothing to add', async () => {
    const scratch = await scratchPrisma();
    try {
      expect(
        await createMigration({ name: 'nothing', databaseUrl: urlFor('postgres'), migrationsDir: scratch.migrationsDir, schemaPath: scratch.schemaPath }),
      ).toBeNull();
      expect(await localMigrations(scratch.migrationsDir)).toEqual(await localMigrations());
    } finally {
      await scratch.remove();
    }
  });
});

describe('a second migration on top', () => {
  let db: Awaited<ReturnType<typeof throwawayDatabase>>;
  let scratch: Awaited<ReturnType<typeof scratchPrisma>>;
  beforeAll(async () => {
    db = await throwawayDatabase();
    scratch = await scratchPrisma();
  });
  afterAll(async () => {
    await db.drop();
    await scratch.remove();
  });

  it('is created from the schema change, through a shadow database that is dropped again', async () => {
    const opts = { databaseUrl: db.url, migrationsDir: scratch.migrationsDir, schemaPath: scratch.schemaPath };
    const first = await applyMigrations(opts);
    const shadowsBefore = await shadowDatabases();

    const schema = await readFile(scratch.schemaPath, 'utf8');
    const changed = schema.replace(/(model User \{\n)/, '$1  nickname     String?\n');
    expect(changed).not.toBe(schema);
    await writeFile(scratch.schemaPath, changed);

    const created = await createMigration({ ...opts, name: 'Add nickname' });
    expect(created).toMatch(/^\d{14}_add_nickname$/);
    expect(created! > first.at(-1)!).toBe(true);
    const sql = await readFile(join(scratch.migrationsDir, created!, 'migration.sql'), 'utf8');
    expect(sql).toContain('ALTER TABLE "users" ADD COLUMN     "nickname" TEXT;');
    expect(await shadowDatabases()).toEqual(shadowsBefore);

    expect(await migrationStatus(opts)).toMatchObject({ pending: [created], upToDate: false });
    expect(await applyMigrations(opts)).toEqual([created]);
    const columns = await adminQuery<{ is_nullable: string }>(
      `SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'`,
      [],
      db.url,
    );
    expect(columns).toEqual([{ is_nullable: 'YES' }]);

    expect(await createMigration({ ...opts, name: 'again' })).toBeNull();
    expect(await applyMigrations(opts)).toEqual([]);
  });
});

describe('an invalid schema', () => {
  it('is reported with its file and line, and no migration is written', async () => {
    const scratch = await scratchPrisma();
    try {
      const schema = await readFile(scratch.schemaPath, 'utf8');
      await writeFile(scratch.schemaPath, schema.replace(/(model User \{\n)/, '$1  nickname     Strng?\n'));
      const error = await createMigration({
        name: 'bad',
        databaseUrl: urlFor('postgres'),
        migrationsDir: scratch.migrationsDir,
        schemaPath: scratch.schemaPath,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SchemaEngineError);
      expect((error as Error).message).toContain('Type "Strng" is neither a built-in type');
      expect((error as Error).message).toContain(`${scratch.schemaPath}:`);
      expect(await localMigrations(scratch.migrationsDir)).toEqual(await localMigrations());
    } finally {
      await scratch.remove();
    }
  });
});

describe('creating a migration without CREATEDB', () => {
  it('says that the shadow database needs that privilege', async () => {
    const role = `epoch_nocreatedb_${Date.now().toString(36)}`;
    await adminQuery(`CREATE ROLE "${role}" LOGIN PASSWORD 'pw' NOCREATEDB`);
    const scratch = await scratchPrisma();
    try {
      const url = new URL(urlFor('postgres'));
      url.username = role;
      url.password = 'pw';
      const error = await createMigration({
        name: 'x',
        databaseUrl: url.toString(),
        migrationsDir: scratch.migrationsDir,
        schemaPath: scratch.schemaPath,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SchemaEngineError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `cannot create a temporary shadow database .* as user "${role}" \\(creating a migration needs the CREATEDB privilege\\): permission denied to create database`,
        ),
      );
    } finally {
      await scratch.remove();
      await adminQuery(`DROP ROLE "${role}"`);
    }
  });
});

describe('migration scripts', () => {
  let db: Awaited<ReturnType<typeof throwawayDatabase>>;
  let scratch: Awaited<ReturnType<typeof scratchPrisma>>;
  beforeAll(async () => {
    db = await throwawayDatabase();
    scratch = await scratchPrisma();
  });
  afterAll(async () => {
    await db.drop();
    await scratch.remove();
  });

  async function addMigration(name: string, sql: string): Promise<void> {
    await mkdir(join(scratch.migrationsDir, name), { recursive: true });
    await writeFile(join(scratch.migrationsDir, name, 'migration.sql'), sql);
  }

  it('run whole, so semicolons inside strings and function bodies survive', async () => {
    await addMigration(
      '29990101000000_semicolons',
      [
        `INSERT INTO "courses" ("id", "slug", "title", "description", "enrollmentCode", "updatedAt") VALUES ('c1', 'c', 'T', 'a; b; c', 'CODE-1', now());`,
        `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM "courses" WHERE "id" = 'c2') THEN UPDATE "courses" SET "title" = 'T;2'; END IF; END $$;`,
      ].join('\n'),
    );
    const opts = { databaseUrl: db.url, migrationsDir: scratch.migrationsDir, schemaPath: scratch.schemaPath };
    const applied = await applyMigrations(opts);
    expect(applied.at(-1)).toBe('29990101000000_semicolons');
    expect(await adminQuery('SELECT title, description FROM courses', [], db.url)).toEqual([{ title: 'T;2', description: 'a; b; c' }]);
  });

  it('that fail are named with the SQL error and line, applied not at all, and can be retried once fixed', async () => {
    const name = '29990102000000_broken';
    await addMigration(name, 'ALTER TABLE "users" ADD COLUMN "half" INTEGER;\nSELECT * FROM "no_such_table";\n');
    const opts = { databaseUrl: db.url, migrationsDir: scratch.migrationsDir, schemaPath: scratch.schemaPath };

    const error = await applyMigrations(opts).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationFailedError);
    const failed = error as MigrationFailedError;
    expect(failed.migrationName).toBe(name);
    expect(failed.sqlError).toBe('relation "no_such_table" does not exist (SQLSTATE 42P01)');
    expect(failed.message).toContain(`migration ${name} failed: relation "no_such_table" does not exist`);
    expect(failed.message).toContain('at line 2: SELECT * FROM "no_such_table";');
    expect(failed.message).not.toMatch(/sql_schema_connector|\.rs:\d+/);

    // One transaction: the first statement did not stay behind.
    expect(await adminQuery(`SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'half'`, [], db.url)).toEqual([]);
    expect(await migrationStatus(opts)).toMatchObject({ failed: [name], upToDate: false });
    // Like prisma migrate deploy, a recorded failure blocks further deploys until it is resolved.
    await expect(applyMigrations(opts)).rejects.toThrow(name);

    await addMigration(name, 'ALTER TABLE "users" ADD COLUMN "half" INTEGER;\n');
    await markMigrationRolledBack({ databaseUrl: db.url, schemaPath: scratch.schemaPath, migrationName: name });
    expect(await applyMigrations(opts)).toEqual([name]);
    expect(await migrationStatus(opts)).toMatchObject({ failed: [], upToDate: true });
  });
});

describe('resetDatabase', () => {
  it('empties the database and applies the migrations again', async () => {
    const db = await throwawayDatabase();
    try {
      const opts = { databaseUrl: db.url, migrationsDir, schemaPath };
      await applyMigrations(opts);
      await adminQuery(`INSERT INTO users (id, email, name, "passwordHash", "updatedAt") VALUES ('u1', 'a@example.com', 'A', 'x', now())`, [], db.url);
      await adminQuery('CREATE TABLE stray (id int)', [], db.url);

      expect(await resetDatabase(opts)).toEqual(await localMigrations());
      expect(await adminQuery('SELECT count(*)::int AS n FROM users', [], db.url)).toEqual([{ n: 0 }]);
      expect(await tablesOf(db.url)).toEqual(expectedTables);
    } finally {
      await db.drop();
    }
  });
});

describe('concurrent deploys', () => {
  it("apply each migration once (Prisma's advisory lock)", async () => {
    const db = await throwawayDatabase();
    try {
      const opts = { databaseUrl: db.url, migrationsDir, schemaPath };
      const [a, b] = await Promise.all([applyMigrations(opts), applyMigrations(opts)]);
      expect([...a, ...b].sort()).toEqual(await localMigrations());
      expect((await migrationRows(db.url)).length).toBe((await localMigrations()).length);
    } finally {
      await db.drop();
    }
  });
});

describe('unreachable databases', () => {
  it('name the server, not the password', async () => {
    const url = new URL(urlFor('postgres'));
    url.password = 'hunter2-secret';
    url.port = '1';
    const error = await applyMigrations({ databaseUrl: url.toString(), migrationsDir, schemaPath }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect((error as Error).message).toContain(`${url.hostname}:1`);
    expect((error as Error).message).not.toContain('hunter2-secret');
  });

  it('say when the database does not exist', async () => {
    await expect(applyMigrations({ databaseUrl: urlFor('epoch_no_such_database'), migrationsDir, schemaPath })).rejects.toThrow(
      /database "epoch_no_such_database" does not exist/,
    );
  });
});

describe('data migrations', () => {
  it("result_attempt keeps every stored epoch: a result's JSON history moves to epoch_metrics, and the result records its attempt", async () => {
    const db = await throwawayDatabase();
    const scratch = await scratchPrisma();
    try {
      const all = await localMigrations(scratch.migrationsDir);
      const target = all.find((m) => m.endsWith('_result_attempt'))!;
      const later = all.filter((m) => m >= target);
      const held = join(scratch.dir, 'held');
      await mkdir(held);
      for (const m of later) {
        await cp(join(scratch.migrationsDir, m), join(held, m), { recursive: true });
        await rm(join(scratch.migrationsDir, m), { recursive: true });
      }
      await applyMigrations({ databaseUrl: db.url, migrationsDir: scratch.migrationsDir, schemaPath });
      const q = (sql: string) => adminQuery(sql, [], db.url);
      await q(`INSERT INTO users (id, email, name, "passwordHash", "updatedAt") VALUES ('u1', 'u1@t', 'U', 'x', now())`);
      await q(`INSERT INTO courses (id, slug, title, description, "enrollmentCode", "updatedAt") VALUES ('c1', 'c', 'C', '', 'CODE', now())`);
      await q(
        `INSERT INTO exercises (id, "courseId", slug, title, position, instructions, "starterCode", "solutionCode", "updatedAt") VALUES ('e1', 'c1', 'e', 'E', 1, '', '', '', now())`,
      );
      await q(
        `INSERT INTO submissions (id, "userId", "exerciseId", source, status, "attemptCount", "idempotencyKey", "policyVersion") VALUES ('s1', 'u1', 'e1', '#', 'PASSED', 2, 'k', 1)`,
      );
      // Epoch 1 of attempt 2 is in epoch_metrics already; epoch 2 only in the result's JSON history.
      await q(`INSERT INTO epoch_metrics (id, "submissionId", attempt, epoch, loss, accuracy, seconds) VALUES ('m1', 's1', 2, 1, 2.0, 0.3, 1)`);
      await q(
        `INSERT INTO results (id, "submissionId", "testAccuracy", "testLoss", "perClassAccuracy", "confusionMatrix", history, backend, "backendVersions", seed, "queueWaitMs", "trainingMs", "evaluationMs")
         VALUES ('r1', 's1', 0.5, 1.2, '[]', '[]', '[{"attempt":2,"epoch":1,"loss":9,"accuracy":0.9,"valLoss":null,"valAccuracy":null,"seconds":1},{"attempt":2,"epoch":2,"loss":1.5,"accuracy":0.45,"valLoss":1.6,"valAccuracy":0.4,"seconds":1.2}]', 'wasm', '{}', 42, 0, 1, 1)`,
      );
      for (const m of later) await cp(join(held, m), join(scratch.migrationsDir, m), { recursive: true });
      await applyMigrations({ databaseUrl: db.url, migrationsDir: scratch.migrationsDir, schemaPath });
      expect(await q(`SELECT attempt FROM results WHERE id = 'r1'`)).toEqual([{ attempt: 2 }]);
      expect(await q(`SELECT attempt, epoch, loss, accuracy, "valAccuracy" FROM epoch_metrics WHERE "submissionId" = 's1' ORDER BY epoch`)).toEqual([
        { attempt: 2, epoch: 1, loss: 2, accuracy: 0.3, valAccuracy: null },
        { attempt: 2, epoch: 2, loss: 1.5, accuracy: 0.45, valAccuracy: 0.4 },
      ]);
      expect(await q(`SELECT column_name FROM information_schema.columns WHERE table_name = 'results' AND column_name = 'history'`)).toEqual([]);
    } finally {
      await scratch.remove();
      await db.drop();
    }
  });
});
