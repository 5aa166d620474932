import { describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend';

describe('wasm threads fail safe', () => {
  it('falls back to one thread, saying why, when the pthread worker bridge cannot be installed', async () => {
    // Something else owns globalThis.Worker and will not let go of it.
    Object.defineProperty(globalThis, 'Worker', { value: class {}, configurable: false, writable: false });
    const lines: string[] = [];
    const info = await selectBackend({ backend: 'wasm', threads: 2, log: (l) => lines.push(l) });
    expect(info.name).toBe('wasm');
    expect(info.threads).toBe(1);
    expect(info.versions['tfjs-backend-wasm']).toBe('4.22.0 (globalThis.Worker is taken; using 1 thread)');
    expect(lines).toContain('backend: globalThis.Worker is taken; using 1 thread');
  });
});
