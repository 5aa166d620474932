import { describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend';
import { installPthreadWorkerBridge } from './wasm-threads';

describe('wasm threads fail safe', () => {
  it('retries with one thread, saying why, when the pthread workers cannot start', async () => {
    expect(installPthreadWorkerBridge()).toBe(true);
    // Replace the bridge with a Worker that cannot start, as a broken worker_threads would.
    Object.defineProperty(globalThis, 'Worker', {
      configurable: true,
      get: () =>
        class {
          constructor() {
            throw new Error('worker_threads is unavailable');
          }
        },
      set: () => undefined,
    });
    const lines: string[] = [];
    const info = await selectBackend({ backend: 'wasm', threads: 2, log: (l) => lines.push(l) });
    expect(info.name).toBe('wasm');
    expect(info.threads).toBe(1);
    expect(lines).toContain('backend: threaded wasm failed to start; using 1 thread');
  });
});
