import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { runCapture } from '../run';
import { ensureDebianPackages, ServiceError, which } from './debian';

export interface RedisInfo {
  url: string;
  port: number;
  started: boolean;
}

/** Sends PING over a raw socket: no client library needed to know whether a server answers. */
export function pingRedis(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
    // Something else on the port may hang up without a word: that is no Redis either (and leaves no event to wait for).
    socket.on('close', () => done(false));
  });
}

export function redisPaths(dataDir: string) {
  return { dir: join(dataDir, 'redis'), pid: join(dataDir, 'run', 'redis.pid'), log: join(dataDir, 'redis.log') };
}

/** Starts Epoch's own Redis (AOF persistence, noeviction as BullMQ requires) under `.data/redis` if not running. */
export async function ensureRedis(dataDir: string, port: number, log: (s: string) => void): Promise<RedisInfo> {
  const url = `redis://127.0.0.1:${port}`;
  if (await pingRedis(port)) return { url, port, started: false };
  await ensureDebianPackages(['redis-server'], log);
  const p = redisPaths(dataDir);
  mkdirSync(p.dir, { recursive: true });
  mkdirSync(join(dataDir, 'run'), { recursive: true });
  log(`starting Redis on 127.0.0.1:${port}…`);
  const r = runCapture(which('redis-server') ?? 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    p.dir,
    '--daemonize',
    'yes',
    '--pidfile',
    p.pid,
    '--logfile',
    p.log,
    '--appendonly',
    'yes',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
  ]);
  if (r.code !== 0) throw new ServiceError(`redis-server failed to start:\n${r.stderr}${r.stdout}`);
  for (let i = 0; i < 50; i++) {
    if (await pingRedis(port)) return { url, port, started: true };
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new ServiceError(`Redis did not answer on port ${port} (busy port? set EPOCH_REDIS_PORT or REDIS_URL); see ${p.log}`);
}

export function stopRedis(dataDir: string): boolean {
  const { pid } = redisPaths(dataDir);
  if (!existsSync(pid)) return false;
  const n = Number(readFileSync(pid, 'utf8').trim());
  if (!Number.isInteger(n) || n <= 0) return false;
  try {
    process.kill(n, 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}
