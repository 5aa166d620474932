import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockHolders, waitForPackageLocks } from './package-locks';
import { ServiceError } from './service-error';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A lock file and a real process (util-linux `flock`) holding it for `seconds`, as another apt would. */
async function heldLock(seconds: number): Promise<{ path: string; holder: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'epoch-lock-'));
  const path = join(dir, 'lock-frontend');
  writeFileSync(path, '');
  const holder = spawn('flock', ['--exclusive', path, 'sleep', String(seconds)], { stdio: 'ignore' });
  cleanups.push(() => {
    holder.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 5000;
  while (lockHolders(path).length === 0) {
    if (Date.now() > deadline) throw new Error('flock never took the lock');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { path, holder };
}

describe('waiting for the package manager lock (apt, dpkg, unattended upgrades)', () => {
  it('reads both kinds of lock from the kernel table, skipping processes that only wait for one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'epoch-lock-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'lock');
    writeFileSync(path, '');
    const ino = statSync(path).ino;
    const table = [
      `1: POSIX  ADVISORY  WRITE 4242 fd:01:${ino} 0 EOF`,
      `1: -> POSIX  ADVISORY  WRITE 4343 fd:01:${ino} 0 EOF`,
      `2: FLOCK  ADVISORY  WRITE 4444 00:2d:${ino} 0 EOF`,
      `3: POSIX  ADVISORY  READ 4545 fd:01:${ino + 1} 0 EOF`,
    ].join('\n');
    expect(lockHolders(path, table).map((h) => h.pid)).toEqual([4242, 4444]);
    expect(lockHolders(join(dir, 'missing'), table)).toEqual([]);
  });

  it('waits while another process holds the lock, says so once, and goes on when it is released', async () => {
    const { path, holder } = await heldLock(1.5);
    const lines: string[] = [];
    const t0 = Date.now();
    await waitForPackageLocks({ paths: [path], timeoutMs: 20_000, pollMs: 50, log: (l) => lines.push(l) });
    expect(Date.now() - t0).toBeGreaterThan(800);
    // The lock went with its holder: the holder is exiting (Node may not have seen its exit event yet).
    const exited = await new Promise<boolean>((resolve) => {
      if (holder.exitCode !== null || holder.signalCode !== null) return resolve(true);
      const timer = setTimeout(() => resolve(false), 5000);
      holder.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    expect(exited).toBe(true);
    expect(lines[0]).toMatch(new RegExp(`^waiting for another package manager to finish: ${path} \\(held by flock, pid ${holder.pid}\\) \\(at most 20 s\\)`));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/the package lock is free after \d+ s/);
  });

  it('gives up after its bounded wait with a message naming the lock and its holder', async () => {
    const { path, holder } = await heldLock(60);
    const e = await waitForPackageLocks({ paths: [path], timeoutMs: 300, pollMs: 50, log: () => undefined }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ServiceError);
    expect((e as Error).message).toMatch(new RegExp(`still holds ${path} \\(held by flock, pid ${holder.pid}\\) after 0 s; let it finish`));
  });

  it('returns at once when no lock is held (or the lock files do not exist)', async () => {
    const lines: string[] = [];
    await waitForPackageLocks({ paths: ['/nonexistent/lock-frontend'], timeoutMs: 0, log: (l) => lines.push(l) });
    expect(lines).toEqual([]);
  });
});
