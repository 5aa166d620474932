import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { createDatabase, dataDir, dropDatabase, ensureServices, loadCliEnv, repoRoot, stopServices } from '@epoch/cli';
import { applyMigrations } from '@epoch/db';
import { join } from 'node:path';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A fresh, migrated database for this run. */
    databaseUrl: string;
    /** Superuser URL of the same server (to create more throwaway databases). */
    pgAdminUrl: string;
    redisUrl: string;
    /** A key prefix unique to this run, for BullMQ queues and other Redis keys. */
    redisPrefix: string;
    /** A migrated database nobody connects to: the medium tier copies it (CREATE DATABASE ... TEMPLATE) per test file. */
    templateDatabase: string;
  }
}

function adminUrlOf(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = '/postgres';
  return u.toString();
}

/**
 * Uses the services `./epoch test` started (EPOCH_TEST_DATABASE_URL / EPOCH_TEST_REDIS_URL), or starts them the
 * same way when vitest runs on its own; creates and migrates a fresh database, and drops it afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let databaseUrl = process.env['EPOCH_TEST_DATABASE_URL'];
  let redisUrl = process.env['EPOCH_TEST_REDIS_URL'];
  let started = { postgres: false, redis: false };
  if (!databaseUrl || !redisUrl) {
    const services = await ensureServices(loadCliEnv(), dataDir(), (s) => process.stderr.write(`${s}\n`));
    databaseUrl = services.databaseUrl;
    redisUrl = services.redisUrl;
    started = services.started;
  }
  const pgAdminUrl = adminUrlOf(databaseUrl);
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const name = `epoch_test_${runId}`;
  const freshUrl = await createDatabase(pgAdminUrl, name);
  const root = repoRoot();
  const migrate = (databaseUrl: string) =>
    applyMigrations({ databaseUrl, migrationsDir: join(root, 'prisma/migrations'), schemaPath: join(root, 'prisma/schema.prisma') });
  await migrate(freshUrl);
  const template = `epoch_tmpl_${runId}`;
  await migrate(await createDatabase(pgAdminUrl, template));

  // Also in the environment (workers are started after this and inherit it), for tests that read env.
  process.env['EPOCH_TEST_PG_ADMIN_URL'] = pgAdminUrl;
  project.provide('databaseUrl', freshUrl);
  project.provide('pgAdminUrl', pgAdminUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('redisPrefix', `epoch-test-${runId}`);
  project.provide('templateDatabase', template);

  return async () => {
    for (const db of [name, template]) await dropDatabase(pgAdminUrl, db).catch((e: unknown) => process.stderr.write(`could not drop ${db}: ${String(e)}\n`));
    stopServices(dataDir(), started);
  };
}
