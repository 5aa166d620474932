import { describe, expect, it } from 'vitest';
import { createPrismaClient } from './client';
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
