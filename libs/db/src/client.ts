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
