import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemo, createDatabase, dropDatabase } from '@epoch/cli';
import { applyMigrations, createPrismaClient, DEMO_ACCOUNTS, verifyPassword, type EpochPrismaClient } from '@epoch/db';
import { freePort, root, startTs, waitFor } from './helpers';

/** Runs the CLI from its sources (as the tools image does) and collects its exit code and output. */
function cli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'libs/cli/src/main.ts'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.end(input ?? '');
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

/** A fresh, migrated database of its own (production mode must see exactly what each test puts there). */
async function database(name: string): Promise<{ url: string; prisma: EpochPrismaClient; drop: () => Promise<void> }> {
  const url = await createDatabase(inject('pgAdminUrl'), name);
  await applyMigrations({ databaseUrl: url, migrationsDir: join(root, 'prisma/migrations'), schemaPath: join(root, 'prisma/schema.prisma') });
  const prisma = createPrismaClient(url);
  return {
    url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await dropDatabase(inject('pgAdminUrl'), name);
    },
  };
}

describe('production mode, the first admin and content sync from the command line (real processes, Postgres)', () => {
  const run = Date.now().toString(36);
  let clean: Awaited<ReturnType<typeof database>>;
  let demo: Awaited<ReturnType<typeof database>>;
  let work: string;

  beforeAll(async () => {
    clean = await database(`epoch_prod_clean_${run}`);
    demo = await database(`epoch_prod_demo_${run}`);
    await seedDemo(demo.prisma, { exercisesDir: join(root, 'exercises') });
    work = mkdtempSync(join(tmpdir(), 'epoch-prod-'));
  });
  afterAll(async () => {
    await clean?.drop();
    await demo?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const apiEnv = async (databaseUrl: string) => ({
    DATABASE_URL: databaseUrl,
    REDIS_URL: inject('redisUrl'),
    EPOCH_QUEUE_PREFIX: `${inject('redisPrefix')}-prod`,
    EPOCH_API_PORT: String(await freePort()),
    EPOCH_RECONCILE_SECONDS: '0',
    LOG_LEVEL: 'warn',
  });

  it('the API refuses to start in production mode (its default) while an account has a demo password', async () => {
    const api = startTs('apps/api/src/main.ts', await apiEnv(demo.url));
    const code = await new Promise<number | null>((r) => api.child.once('exit', r));
    expect(code).toBe(1);
    expect(api.output()).toMatch(/production mode refuses to start: 5 account\(s\) still have a published demo password \(admin@epoch\.test, /);
  });

  it('`EPOCH_DEMO=0 ./epoch up` refuses before building anything, naming the accounts', async () => {
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(join(root, 'epoch'), ['up'], {
        cwd: root,
        env: { ...process.env, EPOCH_DEMO: '0', DATABASE_URL: demo.url, REDIS_URL: inject('redisUrl'), EPOCH_DATA_DIR: join(work, 'data') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => resolve({ code, out }));
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/production mode \(EPOCH_DEMO=0\): no demo accounts/);
    expect(r.out).toMatch(/production mode refuses to start: 5 account\(s\) still have a published demo password/);
    expect(r.out).not.toMatch(/building web, API and grader/);
  }, 180_000);

  it('creates the first administrator with `./epoch admin create` (a generated password printed once, or one from stdin)', async () => {
    const env = { DATABASE_URL: clean.url, REDIS_URL: inject('redisUrl') };
    const generated = await cli(['admin', 'create', 'Head@School.test', '--name', 'Hedda Head'], env);
    expect(generated.code).toBe(0);
    expect(generated.out).toMatch(
      /^created administrator head@school\.test \(Hedda Head\)\npassword \(shown only now; change it after signing in\): \S{16}\n$/,
    );
    const password = /password .*: (\S+)/.exec(generated.out)![1]!;
    const head = await clean.prisma.user.findUniqueOrThrow({ where: { email: 'head@school.test' } });
    expect(head).toMatchObject({ role: 'ADMIN', demoPassword: false });
    expect(await verifyPassword(head.passwordHash, password)).toBe(true);

    const given = await cli(['admin', 'create', 'second@school.test', '--password-stdin'], env, 'a-password-from-a-script\n');
    expect([given.code, given.out]).toEqual([0, 'created administrator second@school.test (second)\n']);
    expect(
      await verifyPassword((await clean.prisma.user.findUniqueOrThrow({ where: { email: 'second@school.test' } })).passwordHash, 'a-password-from-a-script'),
    ).toBe(true);

    const again = await cli(['admin', 'create', 'head@school.test', '--generate'], env);
    expect([again.code, again.err]).toEqual([1, expect.stringMatching(/a user with email head@school\.test already exists/)]);
    const demoPassword = await cli(['admin', 'create', 'third@school.test', '--password-stdin'], env, `${DEMO_ACCOUNTS[0]!.password}\n`);
    expect([demoPassword.code, demoPassword.err]).toEqual([1, expect.stringMatching(/published demo password/)]);
    expect(await clean.prisma.auditLog.count({ where: { action: 'user.create', actorId: null } })).toBe(2);
  });

  it('syncs a course with `./epoch content sync` from a folder and from a git repository, dry run first', async () => {
    const env = { DATABASE_URL: clean.url, REDIS_URL: inject('redisUrl') };
    const dir = join(work, 'term');
    cpSync(join(root, 'exercises', 'cifar10-intro'), dir, { recursive: true });
    writeFileSync(join(dir, 'course.yaml'), readFileSync(join(dir, 'course.yaml'), 'utf8').replace(/^enrollmentCode: .*\n/m, ''));
    const dry = await cli(['content', 'sync', dir, '--course', 'term-1', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^course term-1 ".*" from .*term @ [0-9a-f]{12}: dry run \(nothing was changed\)\n {2}\+ the course is created\n/);
    expect(dry.out).toMatch(/\+ exercise cifar10-model3/);
    expect(await clean.prisma.course.count()).toBe(0);
    const applied = await cli(['content', 'sync', dir, '--course', 'term-1'], env);
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/: applied \(sync \w+\)/);
    const sync = await clean.prisma.contentSync.findFirstOrThrow({ where: { course: { slug: 'term-1' } } });
    expect(sync).toMatchObject({ sourceKind: 'DIRECTORY', actorId: null, via: expect.stringMatching(/^cli \(.+@.+\)$/) });

    // The same course as a git repository with one step changed: the sync names the commit.
    execFileSync('git', ['-C', dir, 'init', '--quiet', '--initial-branch=main']);
    const step = join(dir, 'steps', '15-conclusion.md');
    writeFileSync(step, `${readFileSync(step, 'utf8')}\nA new closing line.\n`);
    execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@t', 'add', '.']);
    execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'course']);
    const commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const fromGit = await cli(['content', 'sync', `file://${dir}`, '--course', 'term-1'], env);
    expect(fromGit.code).toBe(0);
    expect(fromGit.out).toContain(`@ ${commit.slice(0, 12)}: applied`);
    expect(fromGit.out).toMatch(/~ step image-classification\/conclusion: body \(version 2\)/);
    expect(await clean.prisma.contentSync.findFirstOrThrow({ where: { revision: commit } })).toMatchObject({ sourceKind: 'GIT' });

    const bad = await cli(['content', 'sync', join(work, 'missing')], env);
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/is neither a folder nor a git URL/)]);
  });

  it('starts in production mode on a database without demo passwords and lists no demo accounts', async () => {
    const env = await apiEnv(clean.url);
    const api = startTs('apps/api/src/main.ts', env);
    try {
      const base = `http://127.0.0.1:${env.EPOCH_API_PORT}`;
      await waitFor(async () => (await fetch(`${base}/api/health`)).status === 200 || undefined, 60_000, `the API\n${api.output()}`);
      expect(await (await fetch(`${base}/api/site`)).json()).toEqual({
        demo: false,
        demoAccounts: [],
        passwordRules: expect.any(String),
        passwordLogin: true,
        oidc: null,
      });
      expect(await clean.prisma.user.count({ where: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } })).toBe(0);
    } finally {
      await api.stop();
    }
  });
});
