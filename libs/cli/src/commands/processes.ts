import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The processes `./epoch up` runs, recorded so that `./epoch down` (or a second `up`) can find them. */
export interface UpState {
  pid: number;
  children: Record<string, number>;
  startedAt: string;
  /** Epoch's own servers this `up` started (it stops them when it stops; a later `up` takes them over if it did not). */
  services?: { postgres: boolean; redis: boolean };
}

export function upStatePath(dataDir: string): string {
  return join(dataDir, 'run', 'up.json');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readUpState(dataDir: string): UpState | null {
  const p = upStatePath(dataDir);
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as UpState;
  } catch {
    return null;
  }
}

export function writeUpState(dataDir: string, state: UpState | null): void {
  const p = upStatePath(dataDir);
  if (state) {
    // With DATABASE_URL/REDIS_URL set, no service of ours created the run folder.
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, JSON.stringify(state, null, 2));
  } else rmSync(p, { force: true });
}

/** Starts a long-running child in its own process group, prefixing each output line with its name. */
export function startChild(name: string, cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }, write: (s: string) => void): ChildProcess {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) write(`[${name}] ${line}`);
  };
  child.stdout?.on('data', prefix);
  child.stderr?.on('data', prefix);
  return child;
}

/** SIGTERM to each child's process group, then SIGKILL after a grace period. */
export async function stopChildren(pids: number[], graceMs = 10_000): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(isAlive)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Polls a URL until it answers with a status below 500, or the child exits, or time runs out. */
export async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before answering on ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer on ${url} within ${Math.round(timeoutMs / 1000)} s`);
}
