import { join } from 'node:path';
import { loadCliEnv } from '../config';
import type { CommandIo } from '../io';
import { dataDir, repoRoot } from '../paths';
import { runInherit } from '../run';
import { ensureDebianPackages, ensureServices, stopServices } from '../services';

export interface TestOptions {
  /** Nx targets to run on every project, in this order of importance. */
  targets?: string[];
  projects?: string[];
}

/**
 * The whole suite: typecheck, lint and unit tests of every project, then the integration tests in `tests/`
 * (real Postgres and Redis, a fresh database per run, started by tests/global-setup.ts). Services this command
 * had to start are stopped again at the end, so a CI run leaves nothing behind.
 */
export async function runTestCommand(opts: TestOptions, io: CommandIo): Promise<number> {
  const env = loadCliEnv();
  const data = dataDir();
  // The browser tests drive Debian's Chromium (never a downloaded browser).
  await ensureDebianPackages(['chromium'], io.err);
  const services = await ensureServices(env, data, io.err);
  const root = repoRoot();
  const targets = opts.targets ?? ['typecheck', 'lint', 'test'];
  const args = ['nx', 'run-many', '-t', ...targets, '--parallel=2', '--outputStyle=stream', '--skipNxCache'];
  if (opts.projects?.length) args.push('-p', ...opts.projects);
  const childEnv = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    // Keep Nx's cache inside the checkout (its default is under $HOME, shared by every checkout).
    NX_CACHE_DIRECTORY: process.env['NX_CACHE_DIRECTORY'] ?? join(root, '.nx/cache'),
    EPOCH_TEST_DATABASE_URL: services.databaseUrl,
    EPOCH_TEST_REDIS_URL: services.redisUrl,
  };
  const started = Date.now();
  let code: number;
  try {
    code = await runInherit('npx', args, { cwd: root, env: childEnv });
  } finally {
    stopServices(data, services.started);
  }
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  io.err(code === 0 ? `epoch test: all targets passed (${targets.join(', ')}) in ${secs}s` : `epoch test: FAILED (exit ${code}) after ${secs}s`);
  return code;
}
