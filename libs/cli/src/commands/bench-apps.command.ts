import { join } from 'node:path';
import { artifactStoreOf, loadCliEnv } from '../config';
import type { CommandIo } from '../io';
import { dataDir, repoRoot } from '../paths';
import { runInherit } from '../run';
import { ensureServices, stopServices } from '../services';
import { migrateDatabase } from './db.command';

const SCRIPTS = { api: 'apps/api/src/bench/main.ts', queue: 'apps/grader/src/bench/queue-bench.main.ts' } as const;

/** `./epoch bench api|queue [options]`: start Postgres/Redis and apply pending migrations as `up` does, then run the app's load benchmark. */
export async function runAppBench(which: 'api' | 'queue', args: string[], io: CommandIo): Promise<number> {
  const env = loadCliEnv();
  const data = dataDir();
  const services = await ensureServices(env, data, io.err);
  const root = repoRoot();
  try {
    if (which === 'queue' && !args.includes('sources')) {
      // The graders run as `up` runs them: from the built bundle (nx skips the build when nothing changed).
      const built = await runInherit('npx', ['nx', 'run', '@epoch/grader:build', '--outputStyle=stream'], { cwd: root, env: process.env });
      if (built !== 0) throw new Error(`the grader's build failed (exit ${built})`);
    }
    const applied = await migrateDatabase(services.databaseUrl, artifactStoreOf(env, data), io.err);
    if (applied.length) io.err(`applied ${applied.length} migration(s): ${applied.join(', ')}`);
    return await runInherit(process.execPath, ['--import', 'tsx', join(root, SCRIPTS[which]), ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, EPOCH_DATA_DIR: data },
    });
  } finally {
    stopServices(data, services.started);
  }
}
