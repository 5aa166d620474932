import type { TCliEnv } from '../config';
import { createDatabase, ensurePostgres, stopPostgres } from './postgres';
import { ensureRedis, stopRedis } from './redis';

export * from './debian';
export * from './package-locks';
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
 * Epoch's own under the data folder (started if needed; database `epoch` created if missing). When a later step
 * fails (Redis cannot start, the database cannot be created), what this call started is stopped again before the
 * error goes up: a failed start leaves no server behind.
 */
export async function ensureServices(env: TCliEnv, dataDir: string, log: (s: string) => void): Promise<Services> {
  const started = { postgres: false, redis: false };
  try {
    let pgAdminUrl: string | null = null;
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await ensurePostgres(dataDir, env.EPOCH_PG_PORT, log);
      pgAdminUrl = pg.adminUrl;
      started.postgres = pg.started;
      databaseUrl = await createDatabase(pg.adminUrl, 'epoch', { ifMissing: true });
    }
    let redisUrl = env.REDIS_URL;
    if (!redisUrl) {
      const redis = await ensureRedis(dataDir, env.EPOCH_REDIS_PORT, log);
      redisUrl = redis.url;
      started.redis = redis.started;
    }
    return { pgAdminUrl, databaseUrl, redisUrl, started };
  } catch (e) {
    if (started.postgres || started.redis) {
      log(`stopping what this start began (${[started.postgres && 'PostgreSQL', started.redis && 'Redis'].filter(Boolean).join(', ')})…`);
      stopServices(dataDir, started);
    }
    throw e;
  }
}

export function stopServices(dataDir: string, which: { postgres: boolean; redis: boolean }): void {
  if (which.redis) stopRedis(dataDir);
  if (which.postgres) stopPostgres(dataDir);
}
