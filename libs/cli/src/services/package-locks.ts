import { existsSync, readFileSync, statSync } from 'node:fs';
import { ServiceError } from './service-error';

/** The locks apt and dpkg take (the frontend lock first: apt holds it for a whole install). */
export const PACKAGE_LOCKS = ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock', '/var/lib/apt/lists/lock', '/var/cache/apt/archives/lock'];

/** How long `up` waits for another apt or dpkg (unattended upgrades, a second terminal) before it gives up. */
export const PACKAGE_LOCK_WAIT_MS = 10 * 60_000;

export interface TLockHolder {
  pid: number;
  /** The holder's program name (`/proc/<pid>/comm`), or `?` when it is gone or hidden. */
  command: string;
}

/**
 * The processes holding a lock on `path`, from the kernel's table of file locks (`/proc/locks`): both kinds, the
 * fcntl locks apt and dpkg take and flock(2) locks, without the `->` lines of processes still waiting for one. Matched
 * by inode only: on overlay filesystems the device numbers there are those of the layer underneath.
 */
export function lockHolders(path: string, procLocks = readProcLocks()): TLockHolder[] {
  if (!existsSync(path)) return [];
  const inode = statSync(path, { bigint: true }).ino;
  const pids = new Set<number>();
  for (const line of procLocks.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[1] === '->') continue;
    const where = f[5]?.split(':');
    if (where?.length !== 3 || where[2] !== String(inode)) continue;
    const pid = Number(f[4]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) pids.add(pid);
  }
  return [...pids].map((pid) => ({ pid, command: commandOf(pid) }));
}

function readProcLocks(): string {
  try {
    return readFileSync('/proc/locks', 'utf8');
  } catch {
    return '';
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || '?';
  } catch {
    return '?';
  }
}

const describeHolders = (path: string, holders: TLockHolder[]) => `${path} (held by ${holders.map((h) => `${h.command}, pid ${h.pid}`).join('; ')})`;

/**
 * Waits until no other process holds any of the package locks (another apt-get, dpkg or unattended-upgrades run),
 * saying once what it waits for, so that installing a missing package does not fail because of them; a ServiceError
 * naming the lock and its holder after `timeoutMs`.
 */
export async function waitForPackageLocks(opts: { log: (s: string) => void; paths?: string[]; timeoutMs?: number; pollMs?: number }): Promise<void> {
  const paths = opts.paths ?? PACKAGE_LOCKS;
  const timeoutMs = opts.timeoutMs ?? PACKAGE_LOCK_WAIT_MS;
  const started = Date.now();
  let said = false;
  for (;;) {
    const table = readProcLocks();
    const held = paths.map((p) => ({ path: p, holders: lockHolders(p, table) })).find((l) => l.holders.length > 0);
    if (!held) {
      if (said) opts.log(`  the package lock is free after ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return;
    }
    if (Date.now() - started >= timeoutMs) {
      throw new ServiceError(
        `another package manager still holds ${describeHolders(held.path, held.holders)} after ${Math.round(timeoutMs / 1000)} s; ` +
          'let it finish (or stop it), then run this again',
      );
    }
    if (!said) {
      opts.log(`waiting for another package manager to finish: ${describeHolders(held.path, held.holders)} (at most ${Math.round(timeoutMs / 1000)} s)…`);
      said = true;
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
  }
}
