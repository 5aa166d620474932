import pg from 'pg';
import { DatabaseUnreachableError, DatabaseUrlError } from './errors';

/** The parts of a Postgres URL that are safe to print. */
export interface TDatabaseTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Parses a `postgres://` / `postgresql://` URL; throws DatabaseUrlError (without echoing a password) when it is not one. */
export function parseDatabaseUrl(databaseUrl: string): TDatabaseTarget {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new DatabaseUrlError('the database URL is not a valid URL (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DatabaseUrlError(`the database URL must start with postgres:// or postgresql://, not ${url.protocol}//`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new DatabaseUrlError(`the database URL names no database (${describeDatabaseUrl(databaseUrl)})`);
  // A socket directory may be given as ?host=/path, as libpq and pg allow.
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return { host, port: url.port ? Number(url.port) : 5432, database, user: decodeURIComponent(url.username) };
}

/** `postgres://user@host:port/database`, the password left out: for messages and logs. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    return `${url.protocol}//${user}${host}:${url.port || '5432'}${decodeURIComponent(url.pathname)}`;
  } catch {
    return '<invalid database URL>';
  }
}

/** The same server and credentials, another database (shadow and throwaway databases). */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

interface PgLikeError {
  code?: string;
  message?: string;
}

/** Turns a connection failure of `pg` into a sentence that says where we tried to connect and what to check. */
export function connectionErrorMessage(error: unknown, databaseUrl: string): string {
  const where = describeDatabaseUrl(databaseUrl);
  const t = (() => {
    try {
      return parseDatabaseUrl(databaseUrl);
    } catch {
      return null;
    }
  })();
  const hostPort = t ? `${t.host}:${t.port}` : where;
  const e = (error ?? {}) as PgLikeError;
  switch (e.code ?? '') {
    case 'ECONNREFUSED':
      return `cannot reach Postgres at ${hostPort} (connection refused): is the server running and listening there? (${where})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach Postgres: host "${t?.host ?? '?'}" not found (${where})`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach Postgres at ${hostPort}: ${e.code} (${where})`;
    case '28P01':
    case '28000':
      return `Postgres at ${hostPort} refused user "${t?.user ?? '?'}": ${e.message ?? 'authentication failed'} (${where})`;
    case '3D000':
      return `database "${t?.database ?? '?'}" does not exist on the Postgres server at ${hostPort} (${where})`;
    default:
      if (/timeout/i.test(e.message ?? '')) return `cannot reach Postgres at ${hostPort}: timed out connecting (${where})`;
      return `cannot connect to Postgres at ${hostPort}: ${e.message ?? String(error)} (${where})`;
  }
}

/** Connects once and runs `SELECT 1`, so that later failures are about the work, not about reaching the server. */
export async function checkDatabaseConnection(databaseUrl: string, timeoutMs = 10_000): Promise<void> {
  const target = parseDatabaseUrl(databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs });
  // A server that drops the connection later must not crash the process through an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new DatabaseUnreachableError(connectionErrorMessage(error, databaseUrl), `${target.host}:${target.port}/${target.database}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}
