import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';
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
