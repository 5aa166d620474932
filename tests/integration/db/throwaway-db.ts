import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';

export const root = fileURLToPath(new URL('../../..', import.meta.url));
export const migrationsDir = join(root, 'prisma/migrations');
export const schemaPath = join(root, 'prisma/schema.prisma');

/** Superuser URL of the test server (global setup), for creating throwaway databases. */
export function adminUrl(): string {
  return process.env['EPOCH_TEST_PG_ADMIN_URL'] ?? inject('pgAdminUrl');
}

export function urlFor(database: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = [], url = adminUrl()): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A new empty database with a random name; `drop()` removes it. */
export async function throwawayDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `epoch_dbtest_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  return { name, url: urlFor(name), drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined) };
}

/** A scratch copy of prisma/ (schema and migrations) to change without touching the repository. */
export async function scratchPrisma(): Promise<{ dir: string; migrationsDir: string; schemaPath: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'epoch-prisma-'));
  await cp(migrationsDir, join(dir, 'migrations'), { recursive: true });
  await cp(schemaPath, join(dir, 'schema.prisma'));
  return { dir, migrationsDir: join(dir, 'migrations'), schemaPath: join(dir, 'schema.prisma'), remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function shadowDatabases(): Promise<string[]> {
  return (await adminQuery<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'epoch_shadow_%'`)).map((r) => r.datname);
}
