import { join } from 'node:path';
import { demoPasswordRefusal, productionCheck } from '@epoch/accounts';
import { createPrismaClient } from '@epoch/db';
import { artifactStoreOf, loadCliEnv } from '../config';
import type { CommandIo } from '../io';
import { dataDir, repoRoot } from '../paths';
import { runInherit } from '../run';
import { ensureServices, stopServices } from '../services';
import { migrateDatabase, seedDatabase } from './db.command';
import { prepareDataForUp } from './data.command';
import { isAlive, readUpState, startChild, stopChildren, waitForHttp, writeUpState, type UpState } from './processes';
import { SupervisedChild } from './supervisor';

/**
 * `./epoch up`: services, migrations, seed, data, build, then web + API + one grader in the foreground until
 * Ctrl-C, which stops the apps and the services this run started. Safe to run again after it stopped.
 * EPOCH_DEMO=0 is production mode: no demo seed, and it refuses to start while an account has a demo password.
 *
 * Each app is supervised (SupervisedChild): one that exits is restarted with backoff, and the log says why it ended;
 * the others keep serving. A start that fails stops what it started (Postgres and Redis included); an earlier `up`
 * that was killed before it could stop leaves its state file: this one stops that one's apps and takes over the
 * servers it had started, so they stop with this one.
 */
export async function runUpCommand(io: CommandIo): Promise<number> {
  const env = loadCliEnv();
  const data = dataDir();
  const root = repoRoot();
  const previous = readUpState(data);
  if (previous && isAlive(previous.pid)) {
    io.err(
      `epoch up: already running (pid ${previous.pid}, since ${previous.startedAt}). Open http://localhost:${env.EPOCH_WEB_PORT} or stop it with Ctrl-C there or \`./epoch down\`.`,
    );
    return 1;
  }
  const none = { postgres: false, redis: false };
  // Leftovers of an `up` that was killed (or crashed) before it could stop: its apps go now; the servers it started
  // are taken over (this run stops them when it stops or fails), not restarted under a concurrent user.
  const inherited = previous?.services ?? none;
  if (previous) {
    await stopChildren(Object.values(previous.children), 2000);
    const servers = [inherited.postgres && 'PostgreSQL', inherited.redis && 'Redis'].filter(Boolean);
    io.err(
      `epoch up: an earlier up (pid ${previous.pid}) did not stop cleanly: stopped its apps` +
        (servers.length ? `; taking over the ${servers.join(' and ')} it started (stopped when this one stops)` : ''),
    );
  }

  let services: Awaited<ReturnType<typeof ensureServices>>;
  try {
    services = await ensureServices(env, data, io.err);
  } catch (e) {
    // ensureServices stopped what it started itself; the servers taken over stop too.
    stopServices(data, inherited);
    writeUpState(data, null);
    throw e;
  }
  const owned = { postgres: services.started.postgres || inherited.postgres, redis: services.started.redis || inherited.redis };
  const state: UpState = { pid: process.pid, startedAt: new Date().toISOString(), children: {}, services: owned };
  writeUpState(data, state);
  const supervised = new Map<string, SupervisedChild>();
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    io.err('epoch up: stopping…');
    await Promise.all([...supervised.values()].map((s) => s.stop()));
    writeUpState(data, null);
    stopServices(data, owned);
    io.err('epoch up: stopped.');
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  try {
    io.err('epoch up: applying migrations…');
    const applied = await migrateDatabase(services.databaseUrl, artifactStoreOf(env, data), io.err);
    io.err(applied.length ? `  applied: ${applied.join(', ')}` : '  database is up to date');
    let seeded: Awaited<ReturnType<typeof seedDatabase>> | null = null;
    let noAdmin = false;
    if (env.EPOCH_DEMO) {
      io.err('epoch up: demo mode (EPOCH_DEMO=0 for production mode): seeding the demo course and accounts…');
      seeded = await seedDatabase(services.databaseUrl);
    } else {
      io.err('epoch up: production mode (EPOCH_DEMO=0): no demo accounts; checking the accounts…');
      const prisma = createPrismaClient(services.databaseUrl);
      const check = await productionCheck(prisma).finally(() => prisma.$disconnect());
      if (check.demoPasswordAccounts.length) throw new Error(demoPasswordRefusal(check.demoPasswordAccounts));
      noAdmin = check.activeAdmins === 0;
    }
    await prepareDataForUp(env, io);

    io.err('epoch up: building web, API and grader…');
    const buildCode = await runInherit('npx', ['nx', 'run-many', '-t', 'build', '-p', '@epoch/web', '@epoch/api', '@epoch/grader', '--outputStyle=stream'], {
      cwd: root,
      env: {
        ...process.env,
        NX_DAEMON: 'false',
        NX_NO_CLOUD: 'true',
        NX_TUI: 'false',
        NEXT_TELEMETRY_DISABLED: '1',
        NX_CACHE_DIRECTORY: process.env['NX_CACHE_DIRECTORY'] ?? join(root, '.nx/cache'),
      },
    });
    if (buildCode !== 0) throw new Error(`the build failed (exit ${buildCode})`);

    const appEnv = {
      ...process.env,
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      EPOCH_API_PORT: String(env.EPOCH_API_PORT),
      EPOCH_API_URL: `http://127.0.0.1:${env.EPOCH_API_PORT}`,
      EPOCH_WEB_PORT: String(env.EPOCH_WEB_PORT),
      EPOCH_CONTENT_DIR: join(root, 'exercises'),
      EPOCH_DATA_DIR: data,
      EPOCH_DEMO: env.EPOCH_DEMO ? '1' : '0',
      EPOCH_PUBLIC_URL: process.env['EPOCH_PUBLIC_URL'] ?? `http://localhost:${env.EPOCH_WEB_PORT}`,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
    };
    const write = (s: string) => io.err(s);
    const supervise = (name: string, script: string, cwd: string) => {
      const s = new SupervisedChild({
        name,
        start: () => startChild(name, process.execPath, ['--enable-source-maps', script], { cwd, env: appEnv }, write),
        log: write,
        onStart: (child) => {
          state.children[name] = child.pid ?? 0;
          if (!stopping) writeUpState(data, state);
        },
      });
      supervised.set(name, s);
      return s;
    };
    const api = supervise('api', 'apps/api/dist/main.js', root);
    await waitForHttp(`http://127.0.0.1:${env.EPOCH_API_PORT}/api/health`, api.current, 60_000);
    supervise('grader', 'apps/grader/dist/main.js', root);
    const web = supervise('web', 'dist/server.js', join(root, 'apps/web'));
    await waitForHttp(`http://127.0.0.1:${env.EPOCH_WEB_PORT}/`, web.current, 60_000);

    io.out(
      [
        '',
        `Epoch is running: http://localhost:${env.EPOCH_WEB_PORT}   (API: http://localhost:${env.EPOCH_API_PORT}/api/health)`,
        '',
        ...(seeded
          ? [
              'Demo accounts:',
              ...seeded.accounts.map((a) => `  ${a.role.padEnd(10)} ${a.email.padEnd(28)} password: ${a.password}`),
              `Enrollment code for the demo course: ${seeded.enrollmentCode}`,
            ]
          : [
              'Production mode: no demo accounts.',
              ...(noAdmin ? ['No administrator yet: create one with `./epoch admin create EMAIL` (the apps keep running).'] : []),
              'Load a course with `./epoch content sync DIR|GIT-URL` (docs/COURSE-FORMAT.md).',
            ]),
        '',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
    await new Promise<never>(() => undefined);
    return 0;
  } catch (e) {
    io.err(`epoch up: ${e instanceof Error ? e.message : String(e)}`);
    await shutdown(1);
    return 1;
  }
}
