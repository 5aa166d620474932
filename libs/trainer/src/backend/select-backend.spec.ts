import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, selectBackend } from './select-backend';

describe('selectBackend', () => {
  it('tries the native backends first, records why they failed, and runs wasm with two threads', async () => {
    const lines: string[] = [];
    const info = await selectBackend({ env: {}, threads: 2, log: (l) => lines.push(l) });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.threads).toBe(2);
    expect(info.versions['tfjs-backend-wasm']).toBe('4.22.0 (threaded-simd; Epoch kernels (relaxed-simd) on 2 threads, XNNPACK on 1)');
    expect(info.versions['tfjs-core']).toBe('4.22.0');
    expect(info.attempts.map((a) => [a.name, a.ok])).toEqual([
      ['node-gpu', false],
      ['node', false],
      ['wasm', true],
    ]);
    expect(info.attempts[1]?.reason).toMatch(/tfjs-node/);
    expect(lines.at(-1)).toMatch(/^backend: wasm \(threads 2;/);
  });

  it('returns the same choice on a second call', async () => {
    const a = await selectBackend({ env: {} });
    expect(await selectBackend({ env: {} })).toBe(a);
  });

  it('forces the cpu backend through EPOCH_BACKEND, with a loud warning', async () => {
    const lines: string[] = [];
    const info = await selectBackend({ env: { EPOCH_BACKEND: 'cpu' }, log: (l) => lines.push(l) });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.warning).toMatch(/WARNING/);
    expect(lines.some((l) => l.includes('WARNING'))).toBe(true);
  });

  it('fails, rather than falling back, when a forced backend is unavailable', async () => {
    const err = await selectBackend({ env: { EPOCH_BACKEND: 'node' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/backend node \(forced\) is unavailable/);
  });

  it('explains bad environment values', async () => {
    await expect(selectBackend({ env: { EPOCH_BACKEND: 'tpu' } })).rejects.toThrow(/EPOCH_BACKEND=tpu is not a backend; use one of node-gpu, node, wasm, cpu/);
    await expect(selectBackend({ env: { EPOCH_WASM_THREADS: 'many' }, backend: 'wasm' })).rejects.toThrow(/EPOCH_WASM_THREADS=many must be a whole number/);
  });
});
