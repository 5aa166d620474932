/** Errors of the database layer. Messages are written for the person running the command, without secrets. */

export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

/** The server could not be reached or refused us; `target` is `host:port/database` (never the password). */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  constructor(
    message: string,
    readonly target: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The migrations folder is missing or malformed (a folder without migration.sql, a bad lock file...). */
export class MigrationsDirectoryError extends Error {
  override readonly name = 'MigrationsDirectoryError';
}

/** A migration's SQL failed; the database still records it as failed (see markMigrationRolledBack). */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  constructor(
    message: string,
    readonly migrationName: string,
    readonly sqlError: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Any other refusal of Prisma's schema engine (failed migrations blocking deploy, an invalid schema...). */
export class SchemaEngineError extends Error {
  override readonly name = 'SchemaEngineError';
}

/**
 * The engine's messages end with a Rust span trace ("   0: sql_schema_connector::...  at ...rs:113"), which only
 * helps Prisma's developers; keep the human part.
 */
export function engineMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const cut = raw.search(/\n\s*0: [a-z_]+::/);
  return (cut >= 0 ? raw.slice(0, cut) : raw).trim();
}
