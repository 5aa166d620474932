import { describe, expect, it } from 'vitest';
import { largestRemainderQuotas, stratifiedTrainingOrder } from './interleave';
import { isValidationIndex } from './lesson-split';

function classSorted(counts: number[]): Uint8Array {
  const labels: number[] = [];
  counts.forEach((n, c) => labels.push(...new Array<number>(n).fill(c)));
  return Uint8Array.from(labels);
}

function validationPerClass(labels: Uint8Array, order: Uint32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  order.forEach((source, position) => {
    if (isValidationIndex(position)) counts[labels[source] as number]!++;
  });
  return counts;
}

describe('largestRemainderQuotas', () => {
  it('splits a total in proportion and always adds up', () => {
    expect(largestRemainderQuotas([5000, 5000], 1000)).toEqual([500, 500]);
    expect(largestRemainderQuotas([3, 3, 4], 1)).toEqual([0, 0, 1]);
    expect(largestRemainderQuotas([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(largestRemainderQuotas([0, 7], 0)).toEqual([0, 0]);
    const q = largestRemainderQuotas([13, 0, 29, 8], 5);
    expect(q.reduce((a, b) => a + b)).toBe(5);
    expect(q[1]).toBe(0);
  });
});

describe('stratifiedTrainingOrder', () => {
  it('is a deterministic permutation', () => {
    const labels = classSorted(new Array(10).fill(30));
    const order = stratifiedTrainingOrder(labels, 10);
    expect([...order].sort((a, b) => a - b)).toEqual([...labels.keys()]);
    expect(stratifiedTrainingOrder(labels, 10)).toEqual(order);
  });

  it('gives every class exactly its share of the every-10th validation images (full CIFAR-10 size)', () => {
    const labels = classSorted(new Array(10).fill(5000));
    expect(validationPerClass(labels, stratifiedTrainingOrder(labels, 10))).toEqual(new Array(10).fill(500));
  });

  it('stays proportional for unequal classes', () => {
    const counts = [100, 200, 50, 150, 100, 100, 100, 100, 60, 40];
    const labels = classSorted(counts);
    const perClass = validationPerClass(labels, stratifiedTrainingOrder(labels, 10));
    expect(perClass).toEqual(counts.map((n) => n / 10));
  });

  it('mixes the classes instead of leaving them in blocks', () => {
    const labels = classSorted(new Array(10).fill(100));
    const order = stratifiedTrainingOrder(labels, 10);
    const first50 = new Set(Array.from(order.subarray(0, 50), (i) => labels[i]));
    expect(first50.size).toBe(10);
    let longestRun = 1;
    for (let i = 1, run = 1; i < order.length; i++) {
      run = labels[order[i] as number] === labels[order[i - 1] as number] ? run + 1 : 1;
      longestRun = Math.max(longestRun, run);
    }
    expect(longestRun).toBeLessThan(6);
  });
});
