import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from './generated/client';
import { parseDatabaseUrl } from './connection';

/** The application's database client (Prisma 7, engine-free, on node-postgres through @prisma/adapter-pg). */
export type EpochPrismaClient = PrismaClient;

export interface TPrismaClientOptions {
  /** Connections in the pool (node-postgres default: 10). */
  maxConnections?: number;
  /** Log SQL queries to stdout (development). */
  logQueries?: boolean;
}

/**
 * Creates a client for `databaseUrl`. It connects lazily; call `$disconnect()` when done. A malformed URL throws
 * DatabaseUrlError at once rather than at the first query.
 */
export function createPrismaClient(databaseUrl: string, options: TPrismaClientOptions = {}): EpochPrismaClient {
  parseDatabaseUrl(databaseUrl);
  const adapter = new PrismaPg({ connectionString: databaseUrl, ...(options.maxConnections ? { max: options.maxConnections } : {}) });
  return new PrismaClient({ adapter, ...(options.logQueries ? { log: ['query' as const] } : {}) });
}

/** What use cases and repositories run on: the application's client, or the client of a transaction already open. */
export type TDb = EpochPrismaClient | Prisma.TransactionClient;

/**
 * Runs `fn` in a transaction: a new one on a client, or the caller's when `db` is already a transaction client (so a
 * use case can be composed into a larger transaction).
 */
export function inTransaction<T>(db: TDb, fn: (tx: Prisma.TransactionClient) => Promise<T>, options?: { timeout?: number }): Promise<T> {
  return '$transaction' in db ? db.$transaction(fn, options) : fn(db);
}

/** A unique constraint refused the write (Prisma's P2002). */
export const isUniqueViolation = (e: unknown): boolean => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** Node's and node-postgres's words for a connection that could not be made or was lost. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOENT']);
/**
 * Prisma's codes for an unreachable or closed server and a pool or transaction that timed out, and Postgres's SQLSTATEs
 * for a server shutting down or starting up (57P01-57P03) and for a broken connection (class 08).
 */
const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', '57P01', '57P02', '57P03']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection|the database system is (shutting down|starting up|in recovery mode)|terminating connection due to administrator command|Transaction already closed|Client has encountered a connection error/i;

/**
 * Whether an error means the database is unavailable for now (unreachable, restarting, the connection lost) rather
 * than that the query is wrong: such a query is worth retrying once the server is back. Looks through `cause` chains.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    if (typeof cur !== 'object') return false;
    const { code, message, cause } = cur as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    cur = cause;
  }
  return false;
}
