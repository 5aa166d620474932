import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { checkDatabaseConnection, connectionErrorMessage, describeDatabaseUrl, parseDatabaseUrl } from './connection';
import type { TScriptFailure } from './engine-adapter';
import { DatabaseUnreachableError, engineMessage, MigrationFailedError, MigrationsDirectoryError, SchemaEngineError } from './errors';
import { checksumMatches, nextMigrationDirName, readMigrationsDir, toMigrationList, writeMigration } from './migrations-dir';
import { NO_FILTERS, withSchemaEngine } from './schema-engine';

export interface TMigrateOptions {
  databaseUrl: string;
  /** `prisma/migrations`: one folder per migration, Prisma's layout. */
  migrationsDir: string;
  /** `prisma/schema.prisma`. */
  schemaPath: string;
}

async function readSchema(schemaPath: string): Promise<{ path: string; content: string }> {
  try {
    // The full path: the engine quotes it in validation errors ("--> /repo/prisma/schema.prisma:25").
    return { path: schemaPath, content: await readFile(schemaPath, 'utf8') };
  } catch {
    throw new MigrationsDirectoryError(`no Prisma schema at ${schemaPath}`);
  }
}

/** `migration_name="X"` in the engine's span trace, or the last "Applying `X`" of its log. */
function failedMigrationName(error: unknown, logs: string[]): string | undefined {
  const raw = error instanceof Error ? error.message : String(error);
  const fromTrace = raw.match(/migration_name="([^"]+)"/)?.[1];
  if (fromTrace) return fromTrace;
  for (const line of [...logs].reverse()) {
    const m = line.match(/Applying `([^`]+)`/);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** "at line 3: SELECT ..." from Postgres' 1-based character position in the script. */
function failureLocation(f: TScriptFailure): string {
  if (!f.position || f.position < 1) return '';
  const before = f.script.slice(0, f.position - 1);
  const lineNo = before.split('\n').length;
  const line = f.script.split('\n')[lineNo - 1]?.trim() ?? '';
  return ` at line ${lineNo}: ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`;
}

function migrationFailed(error: unknown, failure: TScriptFailure, logs: string[], migrationsDir: string): MigrationFailedError {
  const name = failedMigrationName(error, logs) ?? '(unknown migration)';
  const sqlError = `${failure.message}${failure.code ? ` (SQLSTATE ${failure.code})` : ''}`;
  const extra = [failure.detail && `detail: ${failure.detail}`, failure.hint && `hint: ${failure.hint}`].filter(Boolean).join('; ');
  const message =
    `migration ${name} failed: ${sqlError}${failureLocation(failure)}${extra ? ` (${extra})` : ''}.\n` +
    `File: ${join(migrationsDir, name, 'migration.sql')}. Nothing of it was applied, but the database records it as failed: ` +
    'fix the SQL (or the data it trips on), mark it rolled back (markMigrationRolledBack), then migrate again; ' +
    'in development, resetting the database also clears it.';
  return new MigrationFailedError(message, name, sqlError, { cause: error });
}

/** Errors that escape the engine after the connection check passed: a server lost meanwhile still reads as one. */
function engineFailure(error: unknown, databaseUrl: string): Error {
  const msg = engineMessage(error);
  if (/ECONNREFUSED|ENOTFOUND|Connection terminated|connection closed|DatabaseNotReachable|ConnectionClosed/i.test(msg)) {
    const t = parseDatabaseUrl(databaseUrl);
    return new DatabaseUnreachableError(
      `lost the connection to Postgres at ${t.host}:${t.port} (${describeDatabaseUrl(databaseUrl)}): ${msg}`,
      `${t.host}:${t.port}/${t.database}`,
      { cause: error },
    );
  }
  return new SchemaEngineError(`Prisma schema engine: ${msg}`, { cause: error });
}

/**
 * Applies the migrations not yet applied, in order, exactly as `prisma migrate deploy` does (same
 * `_prisma_migrations` bookkeeping: names, SHA-256 checksums, advisory lock). Returns the names it applied; none
 * when the database is up to date.
 */
export async function applyMigrations(opts: TMigrateOptions): Promise<string[]> {
  parseDatabaseUrl(opts.databaseUrl);
  const local = await readMigrationsDir(opts.migrationsDir);
  const schema = await readSchema(opts.schemaPath);
  await checkDatabaseConnection(opts.databaseUrl);
  return withSchemaEngine(opts.databaseUrl, [schema], async ({ engine, adapter, logs }) => {
    try {
      const out = await engine.applyMigrations({ migrationsList: toMigrationList(local), filters: NO_FILTERS });
      return out.appliedMigrationNames;
    } catch (error) {
      if (adapter.lastScriptFailure) throw migrationFailed(error, adapter.lastScriptFailure, logs, opts.migrationsDir);
      throw engineFailure(error, opts.databaseUrl);
    }
  });
}

export interface TCreateMigrationOptions extends TMigrateOptions {
  /** Becomes the folder suffix: `<timestamp>_<name>` (lower-cased, other characters turned into `_`). */
  name: string;
  /** Defaults to the current time; the timestamp always sorts after the existing migrations. */
  now?: Date;
}

/**
 * Writes `<migrationsDir>/<timestamp>_<name>/migration.sql` with the SQL that takes a database from the existing
 * migrations to the current schema, and returns the folder name; null when the schema adds nothing.
 *
 * The engine replays the existing migrations into a temporary shadow database (created and dropped on the server
 * of `databaseUrl`, whose user therefore needs CREATEDB) and diffs it against the schema. The database at
 * `databaseUrl` itself is only used for its server; it is not changed and need not be migrated.
 */
export async function createMigration(opts: TCreateMigrationOptions): Promise<string | null> {
  parseDatabaseUrl(opts.databaseUrl);
  const schema = await readSchema(opts.schemaPath);
  const local = await readMigrationsDir(opts.migrationsDir, { allowMissing: true });
  const dirName = nextMigrationDirName(
    opts.name,
    opts.now ?? new Date(),
    local.migrations.map((m) => m.name),
  );
  await checkDatabaseConnection(opts.databaseUrl);
  const sql = await withSchemaEngine(opts.databaseUrl, [schema], async ({ engine, adapter, logs }) => {
    try {
      const out = await engine.diff({
        from: { tag: 'migrations', ...toMigrationList(local) },
        to: { tag: 'schemaDatamodel', files: [schema] },
        script: true,
        exitCode: null,
        filters: NO_FILTERS,
      });
      return out.stdout ?? '';
    } catch (error) {
      if (adapter.lastScriptFailure) {
        // Replaying history into the shadow database failed: the existing migrations are broken, not the schema.
        const failed = migrationFailed(error, adapter.lastScriptFailure, logs, opts.migrationsDir);
        throw new MigrationFailedError(
          `cannot replay the existing migrations into a shadow database: ${failed.message.split('\n')[0]}`,
          failed.migrationName,
          failed.sqlError,
          { cause: error },
        );
      }
      if (adapter.shadowDbFailure) {
        const t = parseDatabaseUrl(opts.databaseUrl);
        throw new SchemaEngineError(
          `cannot create a temporary shadow database on the Postgres server at ${t.host}:${t.port} as user "${t.user}" ` +
            `(creating a migration needs the CREATEDB privilege): ${adapter.shadowDbFailure}`,
          { cause: error },
        );
      }
      throw engineFailure(error, opts.databaseUrl);
    }
  });
  if (!hasStatements(sql)) return null;
  await writeMigration(opts.migrationsDir, dirName, sql);
  return dirName;
}

/** The engine answers "-- This is an empty migration." (a comment) when nothing changed. */
function hasStatements(sql: string): boolean {
  return sql.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--'));
}

/**
 * Empties the database (drops every table, type and the migration history in its schema) and applies all
 * migrations again. Returns the names applied. For development and tests; never reached from production code.
 */
export async function resetDatabase(opts: TMigrateOptions): Promise<string[]> {
  parseDatabaseUrl(opts.databaseUrl);
  const schema = await readSchema(opts.schemaPath);
  await readMigrationsDir(opts.migrationsDir);
  await checkDatabaseConnection(opts.databaseUrl);
  await withSchemaEngine(opts.databaseUrl, [schema], async ({ engine }) => {
    try {
      await engine.reset({ filter: NO_FILTERS });
    } catch (error) {
      throw engineFailure(error, opts.databaseUrl);
    }
  });
  return applyMigrations(opts);
}

/**
 * Marks a failed migration as rolled back (Prisma's `migrate resolve --rolled-back`), after its cause was fixed, so
 * that the next applyMigrations runs it again.
 */
export async function markMigrationRolledBack(opts: { databaseUrl: string; schemaPath: string; migrationName: string }): Promise<void> {
  parseDatabaseUrl(opts.databaseUrl);
  const schema = await readSchema(opts.schemaPath);
  await checkDatabaseConnection(opts.databaseUrl);
  await withSchemaEngine(opts.databaseUrl, [schema], async ({ engine }) => {
    try {
      await engine.markMigrationRolledBack({ migrationName: opts.migrationName });
    } catch (error) {
      throw engineFailure(error, opts.databaseUrl);
    }
  });
}

export interface TMigrationStatus {
  /** Migration folders, in order. */
  local: string[];
  /** Applied successfully (and not rolled back), in the order they were applied. */
  applied: string[];
  /** Local migrations not applied yet. */
  pending: string[];
  /** Started but not finished, and not marked rolled back: they block applyMigrations. */
  failed: string[];
  /** Applied, but the local migration.sql no longer has the checksum recorded then. */
  edited: string[];
  /** Applied to the database but absent from the folder (another branch, or a deleted folder). */
  missingLocally: string[];
  hasMigrationsTable: boolean;
  /** Nothing pending, failed, edited or missing. */
  upToDate: boolean;
}

interface TMigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Compares the migrations folder with the database's `_prisma_migrations` (read-only). */
export async function migrationStatus(opts: { databaseUrl: string; migrationsDir: string }): Promise<TMigrationStatus> {
  const t = parseDatabaseUrl(opts.databaseUrl);
  const local = await readMigrationsDir(opts.migrationsDir);
  const client = new pg.Client({ connectionString: opts.databaseUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  let rows: TMigrationRow[] = [];
  let hasMigrationsTable = false;
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnreachableError(connectionErrorMessage(error, opts.databaseUrl), `${t.host}:${t.port}/${t.database}`, { cause: error });
  }
  try {
    const reg = await client.query<{ t: string | null }>(`SELECT to_regclass('_prisma_migrations')::text AS t`);
    hasMigrationsTable = reg.rows[0]?.t !== null && reg.rows[0]?.t !== undefined;
    if (hasMigrationsTable) {
      rows = (
        await client.query<TMigrationRow>(
          'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at, migration_name',
        )
      ).rows;
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  const live = rows.filter((r) => r.rolled_back_at === null);
  const appliedRows = live.filter((r) => r.finished_at !== null);
  const applied = appliedRows.map((r) => r.migration_name);
  const failed = live.filter((r) => r.finished_at === null).map((r) => r.migration_name);
  const localByName = new Map(local.migrations.map((m) => [m.name, m]));
  const edited = appliedRows
    .filter((r) => {
      const m = localByName.get(r.migration_name);
      return m !== undefined && !checksumMatches(m.sql, r.checksum);
    })
    .map((r) => r.migration_name);
  const appliedSet = new Set(applied);
  const pending = local.migrations.map((m) => m.name).filter((n) => !appliedSet.has(n) && !failed.includes(n));
  const missingLocally = applied.filter((n) => !localByName.has(n));
  return {
    local: local.migrations.map((m) => m.name),
    applied,
    pending,
    failed,
    edited,
    missingLocally,
    hasMigrationsTable,
    upToDate: pending.length === 0 && failed.length === 0 && edited.length === 0 && missingLocally.length === 0,
  };
}
