import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationsDirectoryError } from './errors';
import {
  checksumMatches,
  MIGRATION_LOCK_CONTENT,
  migrationChecksum,
  migrationTimestamp,
  nextMigrationDirName,
  normalizeMigrationName,
  readMigrationsDir,
  toMigrationList,
  writeMigration,
} from './migrations-dir';

describe('migration checksums', () => {
  it('is the hex SHA-256 of the file, as Prisma records it', () => {
    expect(migrationChecksum('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('still matches a file whose line endings became CRLF', () => {
    const sql = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n';
    const recorded = migrationChecksum(sql);
    expect(checksumMatches(sql.replace(/\n/g, '\r\n'), recorded)).toBe(true);
    expect(checksumMatches(`${sql}-- edited\n`, recorded)).toBe(false);
  });
});

describe('migration names', () => {
  it('formats the UTC timestamp prefix', () => {
    expect(migrationTimestamp(new Date('2026-03-04T05:06:07.890Z'))).toBe('20260304050607');
  });

  it('normalizes user-given names to lower-case words joined by underscores', () => {
    expect(normalizeMigrationName('  Add Nickname-to users! ')).toBe('add_nickname_to_users');
    expect(() => normalizeMigrationName(' -- ')).toThrow(MigrationsDirectoryError);
  });

  it('names a new folder after the current time', () => {
    expect(nextMigrationDirName('init', new Date('2026-03-04T05:06:07Z'), [])).toBe('20260304050607_init');
  });

  it('sorts a new folder after existing ones created in the same second or "in the future"', () => {
    const now = new Date('2026-03-04T05:06:07Z');
    expect(nextMigrationDirName('b', now, ['20260304050607_a'])).toBe('20260304050608_b');
    expect(nextMigrationDirName('b', now, ['20261231235959_a'])).toBe('20270101000000_b');
    expect(nextMigrationDirName('b', now, ['20200101000000_a'])).toBe('20260304050607_b');
  });
});

describe('the migrations folder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'epoch-migrations-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function addMigration(name: string, sql: string) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }

  it('reads migrations in name order with their checksums, ignoring loose files', async () => {
    await writeFile(join(dir, 'migration_lock.toml'), MIGRATION_LOCK_CONTENT);
    await writeFile(join(dir, 'README.md'), 'not a migration');
    await addMigration('20260102000000_second', 'SELECT 2;');
    await addMigration('20260101000000_first', 'SELECT 1;');
    const local = await readMigrationsDir(dir);
    expect(local.migrations.map((m) => m.name)).toEqual(['20260101000000_first', '20260102000000_second']);
    expect(local.migrations[0]?.checksum).toBe(migrationChecksum('SELECT 1;'));
    const list = toMigrationList(local);
    expect(list.migrationDirectories[1]).toEqual({
      path: '20260102000000_second',
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: 'SELECT 2;' } },
    });
    expect(list.lockfile.content).toBe(MIGRATION_LOCK_CONTENT);
  });

  it('names a folder that lacks migration.sql', async () => {
    await addMigration('20260101000000_first', 'SELECT 1;');
    await mkdir(join(dir, '20260102000000_empty'));
    await expect(readMigrationsDir(dir)).rejects.toThrow(/20260102000000_empty has no migration\.sql/);
  });

  it('refuses a lock file for another database', async () => {
    await writeFile(join(dir, 'migration_lock.toml'), 'provider = "sqlite"\n');
    await expect(readMigrationsDir(dir)).rejects.toThrow(/not for PostgreSQL/);
  });

  it('treats a missing folder as an error, or as an empty history when creating the first migration', async () => {
    const missing = join(dir, 'nope');
    await expect(readMigrationsDir(missing)).rejects.toThrow(`no migrations folder at ${missing}`);
    await expect(readMigrationsDir(missing, { allowMissing: true })).resolves.toEqual({ dir: missing, lockfile: null, migrations: [] });
  });

  it('hands the engine a PostgreSQL lock file when the folder has none yet', async () => {
    const list = toMigrationList(await readMigrationsDir(dir));
    expect(list.lockfile).toEqual({ path: 'migration_lock.toml', content: MIGRATION_LOCK_CONTENT });
  });

  it('writes a migration and the lock file, never overwriting either', async () => {
    const target = join(dir, 'nested', 'migrations');
    await writeMigration(target, '20260101000000_init', 'SELECT 1;\n');
    expect(await readFile(join(target, '20260101000000_init', 'migration.sql'), 'utf8')).toBe('SELECT 1;\n');
    expect(await readFile(join(target, 'migration_lock.toml'), 'utf8')).toBe(MIGRATION_LOCK_CONTENT);

    await writeFile(join(target, 'migration_lock.toml'), '# kept\nprovider = "postgresql"\n');
    await writeMigration(target, '20260102000000_next', 'SELECT 2;\n');
    expect(await readFile(join(target, 'migration_lock.toml'), 'utf8')).toBe('# kept\nprovider = "postgresql"\n');
    await expect(writeMigration(target, '20260102000000_next', 'SELECT 3;\n')).rejects.toThrow(/EEXIST/);
  });
});
