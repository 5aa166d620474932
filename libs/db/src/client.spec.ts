import { describe, expect, it } from 'vitest';
import { createPrismaClient, isDatabaseUnavailable } from './client';
import { DatabaseUrlError } from './errors';

describe('createPrismaClient', () => {
  it('refuses a URL that is not Postgres before any query, without echoing the password', () => {
    expect(() => createPrismaClient('mysql://root:pw-123@localhost/epoch')).toThrow(DatabaseUrlError);
    expect(() => createPrismaClient('mysql://root:pw-123@localhost/epoch')).not.toThrow(/pw-123/);
  });

  it('connects lazily: a client for an unreachable server is created without error', async () => {
    const prisma = createPrismaClient('postgres://u:p@127.0.0.1:1/epoch');
    expect(typeof prisma.user.findMany).toBe('function');
    await prisma.$disconnect();
  });
});

describe('isDatabaseUnavailable', () => {
  it('recognises a server that cannot be reached, through Prisma', async () => {
    const prisma = createPrismaClient('postgres://u:p@127.0.0.1:1/epoch');
    const e = await prisma.user.findMany().then(
      () => null,
      (err: unknown) => err,
    );
    await prisma.$disconnect();
    expect(e).not.toBeNull();
    expect(isDatabaseUnavailable(e)).toBe(true);
  });
  it('recognises a server shutting down or starting up, a lost connection and a pool timeout', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('Timed out fetching a new connection from the connection pool'), { code: 'P2024' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) }))).toBe(true);
  });
  it('leaves errors of the query itself alone (retrying cannot help)', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('Unique constraint failed on the fields: (`email`)'), { code: 'P2002' }))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('No record was found for a query.'))).toBe(false);
    expect(isDatabaseUnavailable('a string')).toBe(false);
  });
});
