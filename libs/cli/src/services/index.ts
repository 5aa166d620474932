import type { TCliEnv } from '../config';
import { createDatabase, ensurePostgres, stopPostgres } from './postgres';
import { ensureRedis, stopRedis } from './redis';

export * from './debian';
export * from './postgres';
export * from './redis';

export interface Services {
  /** Superuser URL to the maintenance database (null when DATABASE_URL was given: we do not own that server). */
  pgAdminUrl: string | null;
  databaseUrl: string;
  redisUrl: string;
  /** What this call started, so that the caller stops exactly that. */
  started: { postgres: boolean; redis: boolean };
}

/**
 * Postgres and Redis for `up` and `test`: the ones named by DATABASE_URL / REDIS_URL when set, otherwise
 * Epoch's own under the data folder (started if needed; database `epoch` created if missing).
 */
export async function ensureServices(env: TCliEnv, dataDir: string, log: (s: string) => void): Promise<Services> {
  let pgAdminUrl: string | null = null;
  let databaseUrl = env.DATABASE_URL;
  let startedPg = false;
  if (!databaseUrl) {
    const pg = await ensurePostgres(dataDir, env.EPOCH_PG_PORT, log);
    pgAdminUrl = pg.adminUrl;
    startedPg = pg.started;
    databaseUrl = await createDatabase(pg.adminUrl, 'epoch', { ifMissing: true });
  }
  let redisUrl = env.REDIS_URL;
  let startedRedis = false;
  if (!redisUrl) {
    const redis = await ensureRedis(dataDir, env.EPOCH_REDIS_PORT, log);
    redisUrl = redis.url;
    startedRedis = redis.started;
  }
  return { pgAdminUrl, databaseUrl, redisUrl, started: { postgres: startedPg, redis: startedRedis } };
}

export function stopServices(dataDir: string, which: { postgres: boolean; redis: boolean }): void {
  if (which.redis) stopRedis(dataDir);
  if (which.postgres) stopPostgres(dataDir);
}
