import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  const child = spawn(join(root, 'epoch'), ['up'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
      }

      process.kill(up.pid, 'SIGINT');
      expect(await up.exit).toBe(0);
      expect(up.output()).toMatch(/stopped\./);
      await expect(fetch(`http://127.0.0.1:${webPort}/`)).rejects.toThrow();
    }
  }, 900_000);
});
