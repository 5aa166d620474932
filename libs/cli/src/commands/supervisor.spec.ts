import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, startChild } from './processes';
import { SupervisedChild } from './supervisor';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A real child that fails its first `failures` starts (printing why, exiting 3) and then keeps running: it counts its
 * starts in a file.
 */
function flakyChild(failures: number) {
  const dir = mkdtempSync(join(tmpdir(), 'epoch-supervisor-'));
  dirs.push(dir);
  const counter = join(dir, 'starts');
  writeFileSync(counter, '0');
  const script = `
    const fs = require('node:fs');
    const n = Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
    fs.writeFileSync(${JSON.stringify(counter)}, String(n));
    if (n <= ${failures}) { console.error('cannot bind port 9 (start ' + n + ')'); process.exit(3); }
    console.log('up (start ' + n + ')');
    setInterval(() => {}, 1000);
  `;
  return {
    starts: () => Number(readFileSync(counter, 'utf8')),
    start: () => startChild('flaky', process.execPath, ['-e', script], { cwd: dir, env: process.env }, () => undefined),
  };
}

const until = async (cond: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('SupervisedChild: ./epoch up restarts a failed child with backoff', () => {
  it('restarts a child that exits, waiting twice as long after each quick failure, and says why each time', async () => {
    const flaky = flakyChild(3);
    const lines: { at: number; line: string }[] = [];
    const started: number[] = [];
    const s = new SupervisedChild({
      name: 'api',
      start: flaky.start,
      log: (line) => lines.push({ at: Date.now(), line }),
      initialDelayMs: 100,
      maxDelayMs: 1000,
      onStart: () => started.push(Date.now()),
    });
    try {
      await until(() => flaky.starts() === 4 && s.restarts === 3, 10_000);
      expect(lines.map((l) => l.line)).toEqual([
        expect.stringMatching(/^epoch up: api exited \(code 3\) after [\d.]+ s; its last words: cannot bind port 9 \(start 1\); restarting it in 0\.1 s$/),
        expect.stringMatching(/\(start 2\); restarting it in 0\.2 s$/),
        expect.stringMatching(/\(start 3\); restarting it in 0\.4 s$/),
      ]);
      // Each restart came no sooner than its announced delay after the exit.
      for (const [i, delay] of [100, 200, 400].entries()) expect(started[i + 1]! - lines[i]!.at).toBeGreaterThanOrEqual(delay - 5);
      expect(isAlive(s.current.pid!)).toBe(true);
    } finally {
      await s.stop(2000);
    }
    expect(isAlive(s.current.pid!)).toBe(false);
  });

  it('caps the delay, resets it after a healthy run, and stops for good on stop()', async () => {
    const flaky = flakyChild(100);
    const lines: string[] = [];
    const s = new SupervisedChild({ name: 'grader', start: flaky.start, log: (l) => lines.push(l), initialDelayMs: 50, maxDelayMs: 120 });
    await until(() => lines.length >= 4, 10_000);
    expect(lines.slice(0, 4).map((l) => /restarting it in ([\d.]+) s/.exec(l)?.[1])).toEqual(['0.1', '0.1', '0.1', '0.1']);
    await s.stop();
    const starts = flaky.starts();
    await new Promise((r) => setTimeout(r, 400));
    expect(flaky.starts()).toBe(starts);

    // A child that ran past healthyAfterMs is restarted after the first delay again.
    const healthy = flakyChild(0);
    const log2: string[] = [];
    const h = new SupervisedChild({ name: 'web', start: healthy.start, log: (l) => log2.push(l), initialDelayMs: 50, maxDelayMs: 5000, healthyAfterMs: 100 });
    try {
      for (let i = 0; i < 3; i++) {
        await until(() => h.restarts === i && isAlive(h.current.pid!), 10_000);
        await new Promise((r) => setTimeout(r, 150));
        process.kill(-h.current.pid!, 'SIGKILL');
        await until(() => log2.length === i + 1, 10_000);
      }
      expect(log2.every((l) => /exited \(signal SIGKILL\).*restarting it in 0\.1 s$/.test(l))).toBe(true);
    } finally {
      await h.stop();
    }
  });
});
