import { describe, expect, it } from 'vitest';
import { Latency } from './latency';

describe('Latency', () => {
  it('reports nearest-rank p50, p99 and max', () => {
    const l = new Latency();
    for (let i = 100; i >= 1; i--) l.add(i);
    expect(l.summary()).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
  });
  it('is all zeros without samples', () => {
    expect(new Latency().summary()).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
  });
});
