import { describe, expect, it } from 'vitest';
import { isOutOfMemory } from '@epoch/trainer';
import { notYourFault } from '@epoch/grading';

describe('grading errors', () => {
  it('recognises out-of-memory errors of the tfjs backends and V8', () => {
    expect(isOutOfMemory(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemory(new Error('OOM when allocating tensor with shape[64,512]'))).toBe(true);
    expect(isOutOfMemory(new Error('Failed to allocate 1073741824 bytes'))).toBe(true);
    expect(isOutOfMemory(new Error('connection refused'))).toBe(false);
  });
  it('tells the student the failure is not theirs and costs no quota', () => {
    const m = notYourFault('Redis went away');
    expect(m).toMatch(/not your fault \(Redis went away\)/);
    expect(m).toMatch(/does not count against your quota/);
  });
});
