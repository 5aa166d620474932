import { type ChildProcess } from 'node:child_process';
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
import { isAlive, readUpState, startChild, stopChildren, waitForHttp, writeUpState } from './processes';

/**
 * `./epoch up`: services, migrations, seed, data, build, then web + API + one grader in the foreground until
 * Ctrl-C, which stops the apps and the services this run started. Safe to run again after it stopped.
 * EPOCH_DEMO=0 is production mode: no demo seed, and it refuses to start while an account has a demo password.
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
  if (previous) await stopChildren(Object.values(previous.children), 2000); // leftovers of a killed `up`

  const services = await ensureServices(env, data, io.err);
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    io.err('epoch up: stopping…');
    await stopChildren([...children.values()].map((c) => c.pid).filter((p): p is number => p !== undefined));
    writeUpState(data, null);
    stopServices(data, services.started);
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
    const api = startChild('api', process.execPath, ['--enable-source-maps', 'apps/api/dist/main.js'], { cwd: root, env: appEnv }, write);
    children.set('api', api);
    await waitForHttp(`http://127.0.0.1:${env.EPOCH_API_PORT}/api/health`, api, 60_000);
    const grader = startChild('grader', process.execPath, ['--enable-source-maps', 'apps/grader/dist/main.js'], { cwd: root, env: appEnv }, write);
    children.set('grader', grader);
    const web = startChild('web', process.execPath, ['--enable-source-maps', 'dist/server.js'], { cwd: join(root, 'apps/web'), env: appEnv }, write);
    children.set('web', web);
    await waitForHttp(`http://127.0.0.1:${env.EPOCH_WEB_PORT}/`, web, 60_000);
    writeUpState(data, { pid: process.pid, startedAt: new Date().toISOString(), children: Object.fromEntries([...children].map(([k, c]) => [k, c.pid ?? 0])) });

    for (const [name, child] of children) {
      child.on('exit', (code) => {
        if (!stopping) {
          io.err(`epoch up: ${name} exited (code ${code ?? 'signal'}); stopping everything.`);
          void shutdown(1);
        }
      });
    }
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
