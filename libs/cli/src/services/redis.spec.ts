import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { pingRedis } from './redis';

describe('pingRedis', () => {
  it('is false when nothing listens', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    expect(await pingRedis(port)).toBe(false);
  });
  it('is true only for a +PONG answer', async () => {
    const answers = ['+PONG\r\n', '-ERR nope\r\n'];
    const results: boolean[] = [];
    for (const answer of answers) {
      const srv = createServer((s) => s.on('data', () => s.end(answer)));
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      results.push(await pingRedis((srv.address() as { port: number }).port));
      await new Promise<void>((r) => srv.close(() => r()));
    }
    expect(results).toEqual([true, false]);
  });
  it('is false, at once, when something else on the port hangs up without a word (up exited silently with 0 there)', async () => {
    const srv = createServer((s) => s.destroy());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const t0 = Date.now();
    expect(await pingRedis((srv.address() as { port: number }).port, '127.0.0.1', 30_000)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5000);
    await new Promise<void>((r) => srv.close(() => r()));
  });
});
