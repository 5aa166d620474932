import { describe, expect, it } from 'vitest';
import { isValidationIndex, lessonSplitIndices } from './lesson-split';

describe('the lesson split', () => {
  it('puts indices 9, 19, 29, ... into validation and keeps the rest, in order, for training', () => {
    const { train, validation } = lessonSplitIndices(50);
    expect(Array.from(validation)).toEqual([9, 19, 29, 39, 49]);
    expect(train).toHaveLength(45);
    expect(Array.from(train.subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 10]);
    expect(Array.from(train).some(isValidationIndex)).toBe(false);
  });

  it('gives 45,000 / 5,000 for the full training set', () => {
    const { train, validation } = lessonSplitIndices(50000);
    expect([train.length, validation.length]).toEqual([45000, 5000]);
    expect(validation[4999]).toBe(49999);
  });

  it('handles counts that are not a multiple of ten', () => {
    const { train, validation } = lessonSplitIndices(25);
    expect(Array.from(validation)).toEqual([9, 19]);
    expect(train).toHaveLength(23);
    expect(lessonSplitIndices(9).validation).toHaveLength(0);
  });
});
