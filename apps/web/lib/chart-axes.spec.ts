import { describe, expect, it } from 'vitest';
import { epochTicks, formatValue, nearestEpoch, niceTop, tickLabels, valueTicks } from './chart-axes';

describe('valueTicks', () => {
  it('gives about five round values on the accuracy axis, both ends included, not just two', () => {
    expect(valueTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(valueTicks(0, 0.4)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(tickLabels('percent', valueTicks(0, 0.4))).toEqual(['0%', '10%', '20%', '30%', '40%']);
  });
  it('labels loss ticks with as few decimals as tell them apart', () => {
    expect(tickLabels('plain', valueTicks(0, 2.5))).toEqual(['0.0', '0.5', '1.0', '1.5', '2.0', '2.5']);
    expect(tickLabels('plain', [0, 1, 2])).toEqual(['0', '1', '2']);
  });
  it('survives an empty range', () => {
    expect(valueTicks(1, 1)).toEqual([1]);
  });
});

describe('niceTop', () => {
  it('rounds the top of a loss axis up so it is labelled', () => {
    expect(niceTop(2.37)).toBe(2.5);
    expect(niceTop(0.93)).toBe(1);
    expect(niceTop(0)).toBe(1);
  });
});

describe('epochTicks', () => {
  it('shows every epoch of a short run', () => {
    expect(epochTicks(10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(epochTicks(2)).toEqual([1, 2]);
  });
  it('shows epoch 1, round steps and the last epoch of a long run', () => {
    expect(epochTicks(30)).toEqual([1, 5, 10, 15, 20, 25, 30]);
    expect(epochTicks(31)).toEqual([1, 5, 10, 15, 20, 25, 31]);
    expect(epochTicks(100)).toEqual([1, 20, 40, 60, 80, 100]);
  });
});

describe('formatValue', () => {
  it('writes accuracy as a percentage and loss as a number, more precisely in a readout', () => {
    expect(formatValue('percent', 0.4567)).toBe('46%');
    expect(formatValue('percent', 0.4567, true)).toBe('45.7%');
    expect(formatValue('plain', 1.23456)).toBe('1.23');
    expect(formatValue('plain', 1.23456, true)).toBe('1.235');
  });
});

describe('nearestEpoch', () => {
  it('snaps a pointer position to the nearest epoch that has values', () => {
    expect(nearestEpoch(0, 300, 30, [1, 2, 3])).toBe(1);
    expect(nearestEpoch(300, 300, 30, [1, 2, 3])).toBe(3);
    expect(nearestEpoch(150, 300, 11, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toBe(6);
    expect(nearestEpoch(-50, 300, 11, [4, 5])).toBe(4);
    expect(nearestEpoch(10, 300, 11, [])).toBeNull();
  });
});
