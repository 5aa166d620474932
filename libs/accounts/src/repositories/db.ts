import { Prisma, type EpochPrismaClient, type EpochTransactionClient } from '@epoch/db';

/** What use cases and repositories run on: the application's client, or the client of a transaction already open. */
export type TDb = EpochPrismaClient | EpochTransactionClient;

/**
 * Runs `fn` in a transaction: a new one on a client, or the caller's when `db` is already a transaction client (so a
 * use case can be composed into a larger transaction, e.g. the grading code's).
 */
export function inTransaction<T>(db: TDb, fn: (tx: EpochTransactionClient) => Promise<T>, options?: { timeout?: number }): Promise<T> {
  return '$transaction' in db ? db.$transaction(fn, options) : fn(db);
}

/** A unique constraint refused the write (Prisma's P2002). */
export const isUniqueViolation = (e: unknown): boolean => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
