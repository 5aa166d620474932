import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CIFAR10_CLASS_NAMES } from '@epoch/datasets';
import { freePort, root } from './helpers';

/** A tiny per-class image folder (one image per class and split) so `up` prepares data in a moment. */
function tinyImageFolder(dir: string): void {
  for (const split of ['train', 'test']) {
    for (const [c, name] of CIFAR10_CLASS_NAMES.entries()) {
      mkdirSync(join(dir, split, name), { recursive: true });
      const data = Buffer.alloc(32 * 32 * 4, c * 20);
      writeFileSync(join(dir, split, name, '0000.jpg'), jpeg.encode({ data, width: 32, height: 32 }, 90).data);
    }
  }
}

interface Up {
  exit: Promise<number | null>;
  output: () => string;
  pid: number;
  exited: () => boolean;
}

function startUp(env: NodeJS.ProcessEnv): Up {
  const full: NodeJS.ProcessEnv = { ...process.env, ...env };
  // An env value of undefined means "unset" (Epoch's own Postgres or Redis instead of the run's).
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete full[k];
  const child = spawn(join(root, 'epoch'), ['up'], { cwd: root, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  let exited = false;
  const exit = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      exited = true;
      r(code);
    }),
  );
  return { exit, output: () => out, pid: child.pid!, exited: () => exited };
}

/** The pids `up` recorded for its apps (its state file). */
function upState(env: NodeJS.ProcessEnv): Record<'api' | 'web' | 'grader', number> {
  return (JSON.parse(readFileSync(join(env['EPOCH_DATA_DIR']!, 'run', 'up.json'), 'utf8')) as { children: Record<'api' | 'web' | 'grader', number> }).children;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
}

/** Whether anything accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });
}

async function waitForOutput(up: Up, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(up.output())) {
    if (Date.now() > deadline || up.exited())
      throw new Error(`${up.exited() ? 'exited' : 'timed out'} before printing ${pattern}; output:\n${up.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('./epoch up (the real launcher, end to end)', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  let webPort: number;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'epoch-up-'));
    tinyImageFolder(join(work, 'cifar'));
    webPort = await freePort();
    env = {
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: inject('redisUrl'),
      EPOCH_DATA_DIR: join(work, 'data'),
      EPOCH_CIFAR10: join(work, 'cifar'),
      EPOCH_WEB_PORT: String(webPort),
      EPOCH_API_PORT: String(await freePort()),
      EPOCH_BACKEND: 'cpu',
      // The launcher's build runs Nx inside this (Nx-run) test: give it its own cache so the two never collide.
      NX_CACHE_DIRECTORY: join(work, 'nx-cache'),
    };
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('serves the seeded course page, refuses a second concurrent up, stops on Ctrl-C, and starts again', async () => {
    for (const round of [1, 2]) {
      const up = startUp(env);
      await waitForOutput(up, /Epoch is running/, 300_000);
      expect(up.output()).toMatch(/student.*@/i);

      const page = await fetch(`http://127.0.0.1:${webPort}/courses/cifar10-intro`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/Exercises/);
      expect(html).toMatch(/cifar10-intro\/image-classification\//);

      if (round === 1) {
        const second = startUp(env);
        expect(await second.exit).toBe(1);
        expect(second.output()).toMatch(/already running/);

        // A child that dies is restarted (and the log says how it ended); the others keep running throughout.
        const before = upState(env);
        process.kill(-before.api, 'SIGKILL');
        await waitForOutput(up, /api exited \(signal SIGKILL\) after [\d.]+ s; its last words: .*; restarting it in 1\.0 s/, 30_000);
        await waitForOutput(up, /\[api\] /, 1); // its output is still shown
        const deadline = Date.now() + 120_000;
        let after = upState(env);
        while (after.api === before.api || !(await answers(`http://127.0.0.1:${env['EPOCH_API_PORT']}/api/health`))) {
          if (Date.now() > deadline) throw new Error(`the API was not restarted:\n${up.output().slice(-4000)}`);
          await new Promise((r) => setTimeout(r, 250));
          after = upState(env);
        }
        expect(after.web).toBe(before.web);
        expect(after.grader).toBe(before.grader);
        for (const pid of [after.web, after.grader]) expect(alive(pid)).toBe(true);
        expect(up.exited()).toBe(false);
        expect((await fetch(`http://127.0.0.1:${webPort}/courses/cifar10-intro`)).status).toBe(200);
      }

      process.kill(up.pid, 'SIGINT');
      expect(await up.exit).toBe(0);
      expect(up.output()).toMatch(/stopped\./);
      await expect(fetch(`http://127.0.0.1:${webPort}/`)).rejects.toThrow();
    }
  }, 900_000);
});

describe('./epoch up that fails to start leaves nothing running', () => {
  let work: string;
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'epoch-up-fail-'));
    // As root, Postgres runs as the postgres user: it must be able to reach its folders.
    chmodSync(work, 0o755);
    // A port that something other than Redis holds: Epoch's own Redis cannot start there.
    busy = createServer((s) => s.destroy());
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => busy.close(r));
    rmSync(work, { recursive: true, force: true });
  });

  /** `up` with Epoch's own Postgres (its cluster under `data`), and Redis on `redis` (a URL, or our own on a port). */
  const envOf = async (data: string, redis: { url: string } | { port: number }): Promise<NodeJS.ProcessEnv> => ({
    DATABASE_URL: undefined,
    EPOCH_DATA_DIR: data,
    EPOCH_PG_PORT: String(await freePort()),
    ...('url' in redis ? { REDIS_URL: redis.url } : { REDIS_URL: undefined, EPOCH_REDIS_PORT: String(redis.port) }),
    EPOCH_WEB_PORT: String(await freePort()),
    EPOCH_API_PORT: String(await freePort()),
    NX_CACHE_DIRECTORY: join(work, 'nx-cache'),
  });
  const postgresRunning = (data: string) => existsSync(join(data, 'postgres', 'postmaster.pid'));

  it('stops the Postgres it started when Redis then cannot start', async () => {
    const data = join(work, 'data-1');
    const env = await envOf(data, { port: busyPort });
    const up = startUp(env);
    expect(await up.exit).not.toBe(0);
    expect(up.output()).toMatch(/starting PostgreSQL on 127\.0\.0\.1/);
    expect(up.output()).toMatch(/Redis did not answer on port/);
    expect(up.output()).toMatch(/stopping what this start began \(PostgreSQL\)/);
    expect(postgresRunning(data)).toBe(false);
    expect(await listening(Number(env['EPOCH_PG_PORT']))).toBe(false);
  }, 180_000);

  it('takes over the Postgres of an earlier up that was killed, and stops it when its own start fails', async () => {
    const data = join(work, 'data-2');
    const env = await envOf(data, { url: inject('redisUrl') });
    const first = startUp(env);
    await waitForOutput(first, /applying migrations/, 120_000);
    process.kill(first.pid, 'SIGKILL');
    await first.exit;
    // The killed up could not clean up: its Postgres is still there, and its state file says it started it.
    expect(postgresRunning(data)).toBe(true);

    const second = startUp({ ...env, REDIS_URL: undefined, EPOCH_REDIS_PORT: String(busyPort) });
    expect(await second.exit).not.toBe(0);
    expect(second.output()).toMatch(
      new RegExp(`an earlier up \\(pid ${first.pid}\\) did not stop cleanly: stopped its apps; taking over the PostgreSQL it started`),
    );
    expect(second.output()).toMatch(/Redis did not answer on port/);
    expect(postgresRunning(data)).toBe(false);
    expect(await listening(Number(env['EPOCH_PG_PORT']))).toBe(false);
    expect(existsSync(join(data, 'run', 'up.json'))).toBe(false);
  }, 240_000);
});
