import { describe, expect, it } from 'vitest';
import { ZModelSpec } from '@epoch/contracts';
import { percentile, tinyBenchSpec } from './queue-bench';

describe('queue bench helpers', () => {
  it('computes nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
  it('benchmarks a valid one-epoch model with only the softmax layer to train', () => {
    const spec = ZModelSpec.parse(tinyBenchSpec());
    expect(spec.epochs).toBe(1);
    expect(spec.layers.map((l) => l.type)).toEqual(['Flatten', 'Dense']);
  });
});
