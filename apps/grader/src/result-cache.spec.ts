import { describe, expect, it } from 'vitest';
import { backendFamily } from './result-cache';

describe('result reuse', () => {
  it('treats both native TensorFlow builds as one backend family and keeps wasm and cpu apart', () => {
    expect(backendFamily('node')).toBe(backendFamily('node-gpu'));
    expect(backendFamily('wasm')).not.toBe(backendFamily('node'));
    expect(backendFamily('cpu')).not.toBe(backendFamily('wasm'));
  });
});
