import { Prisma } from '@epoch/db';

/**
 * Failures that are not the request's fault nor a bug: a dependency (Postgres, Redis) does not answer. The API answers
 * them 503 "temporarily unavailable" instead of 500, so clients (and the web) can say so and retry.
 */
export type TDependency = 'database' | 'redis';

/** Prisma's codes for "cannot reach / lost the database": not reachable, timed out, connection closed, too many. */
const DATABASE_DOWN = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/** node-postgres's own words when the server goes away mid-connection (not mapped by the driver adapter). */
const PG_DOWN = /^(Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error)/;
/** ioredis's: a command given up after its retries, or refused while the connection is down. */
const REDIS_DOWN = /^(Reached the max retries per request limit|Connection is closed\.|Stream isn't writeable)/;

function chain(e: unknown): unknown[] {
  const out: unknown[] = [];
  for (let x = e, depth = 0; x !== undefined && x !== null && depth < 5; depth++) {
    out.push(x);
    x = typeof x === 'object' && 'cause' in x ? (x as { cause?: unknown }).cause : undefined;
  }
  return out;
}

/** Which dependency this failure says is down, or null when it says nothing of the kind. */
export function unavailableDependency(e: unknown): TDependency | null {
  for (const x of chain(e)) {
    if (x instanceof Prisma.PrismaClientKnownRequestError && DATABASE_DOWN.has(x.code)) return 'database';
    if (x instanceof Prisma.PrismaClientInitializationError) return 'database';
    if (!(x instanceof Error)) continue;
    if (x.name === 'MaxRetriesPerRequestError' || REDIS_DOWN.test(x.message)) return 'redis';
    if (PG_DOWN.test(x.message)) return 'database';
  }
  return null;
}

/** Postgres refused a text value with a NUL byte (SQLSTATE 22021): the request's fault, not a crash. */
export function isNulByteRefusal(e: unknown): boolean {
  for (const x of chain(e)) {
    if (x instanceof Prisma.PrismaClientKnownRequestError) {
      const cause = (x.meta?.['driverAdapterError'] as { cause?: { originalCode?: string } } | undefined)?.cause;
      if (cause?.originalCode === '22021') return true;
    }
    if (typeof x === 'object' && x !== null && 'code' in x && (x as { code?: unknown }).code === '22021') return true;
  }
  return false;
}
