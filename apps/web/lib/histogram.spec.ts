import { describe, expect, it } from 'vitest';
import { countTicks } from './histogram';

describe('the histogram y-axis', () => {
  it('has whole-number ticks from 0 that reach the tallest bar', () => {
    expect(countTicks(0)).toEqual([0, 1]);
    expect(countTicks(3)).toEqual([0, 1, 2, 3]);
    expect(countTicks(12)).toEqual([0, 3, 6, 9, 12]);
    expect(countTicks(7)).toEqual([0, 2, 4, 6, 8]);
  });
});
