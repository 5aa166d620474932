import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildPool } from './child-pool';

// A stand-in training child speaking the real protocol: a worker thread (as the wasm backend starts) begun only after
// `init`, then `ready`. Enough to watch the pool's processes and their priorities; the grading is not involved.
const CHILD = `
import { Worker } from 'node:worker_threads';
process.on('message', (m) => {
  if (m.type !== 'init') return;
  new Worker('setInterval(() => {}, 1000)', { eval: true });
  setTimeout(() => process.send({ type: 'ready', dataLoaded: false, backend: { name: 'wasm', tfBackend: 'wasm', threads: 1, versions: {}, attempts: [], warning: null } }), 50);
});
process.on('disconnect', () => process.exit(0));
`;

/** The niceness of every thread of a process (field 19 of /proc/PID/task/TID/stat). */
async function threadNiceness(pid: number): Promise<number[]> {
  const tids = await readdir(`/proc/${pid}/task`);
  return Promise.all(
    tids.map(async (t) => {
      const stat = await readFile(`/proc/${pid}/task/${t}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    }),
  );
}

describe.runIf(process.platform === 'linux')('ChildPool: spares', () => {
  let dir: string;
  let pool: ChildPool;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'epoch-pool-'));
    await writeFile(join(dir, 'child.mjs'), CHILD);
  });
  afterAll(async () => {
    await pool?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts the next spare as soon as a job takes one, at a lower CPU priority, and gives the taken one the grader priority back on every thread', async () => {
    const own = getPriority();
    pool = new ChildPool({ entry: { module: join(dir, 'child.mjs'), execArgv: [] }, limits: { memoryBytes: 256 * 1024 ** 2 }, log: pino({ level: 'silent' }) });
    await pool.start();
    const spareOf = () => (pool as unknown as { spare: { pid: number; ready: Promise<unknown> } | null }).spare;
    const first = pool.take();
    // The next spare started at once, beside `first`, and waits at the lower priority, its worker thread too.
    const next = spareOf();
    expect(next).not.toBeNull();
    await next!.ready;
    const waiting = await threadNiceness(next!.pid);
    expect(waiting.length).toBeGreaterThan(1);
    expect(new Set(waiting)).toEqual(new Set([Math.min(19, own + 10)]));
    // Taken by a job, it trains at the grader's priority: every thread of it, the worker thread started before too.
    const second = pool.take();
    expect(second.pid).toBe(next!.pid);
    expect(new Set(await threadNiceness(second.pid!))).toEqual(new Set([own]));
    expect(spareOf()?.pid).not.toBe(second.pid);
    for (const c of [first, second]) c.kill();
  }, 30_000);
});
