import { describe, expect, it } from 'vitest';
import { heldOutMask } from './held-out-split';

const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 10);

describe('heldOutMask', () => {
  it('holds out the share of every class, the same for the same seed and another for another seed', () => {
    const mask = heldOutMask(labels, labels.length, 0.3, 42);
    for (let c = 0; c < 10; c++) {
      const ofClass = [...labels.keys()].filter((i) => labels[i] === c);
      expect(ofClass.filter((i) => mask[i] === 1)).toHaveLength(30);
    }
    expect(heldOutMask(labels, labels.length, 0.3, 42)).toEqual(mask);
    expect(heldOutMask(labels, labels.length, 0.3, 43)).not.toEqual(mask);
  });
  it('covers only the first `count` images, and refuses a share outside (0, 1)', () => {
    expect(heldOutMask(labels, 100, 0.5, 1)).toHaveLength(100);
    expect(heldOutMask(labels, 100, 0.5, 1).reduce((a, b) => a + b, 0)).toBe(50);
    expect(() => heldOutMask(labels, 100, 1, 1)).toThrow(RangeError);
  });
});
