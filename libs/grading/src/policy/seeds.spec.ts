import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nthSeed, studentSeed, submissionSeed } from './seeds';

describe('seeds', () => {
  it("a student's seed is stable, differs between students and exercises, and follows the policy's seed", () => {
    const a = studentSeed('ex1', 'alice', 42);
    expect(studentSeed('ex1', 'alice', 42)).toBe(a);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(2 ** 31);
    expect(studentSeed('ex1', 'bob', 42)).not.toBe(a);
    expect(studentSeed('ex2', 'alice', 42)).not.toBe(a);
    expect(studentSeed('ex1', 'alice', 43)).not.toBe(a);
    // Pinned: the documented derivation (SHA-256 of "epoch-seed:v1:ex1:alice:42", first 4 bytes big-endian, mod 2^31).
    expect(a).toBe(Number.parseInt(createHash('sha256').update('epoch-seed:v1:ex1:alice:42').digest('hex').slice(0, 8), 16) % 2 ** 31);
  });
  it('the submission seed follows the seed policy', () => {
    expect(submissionSeed({ seed: 42, seedPolicy: 'FIXED' }, 'ex1', 'alice')).toBe(42);
    expect(submissionSeed({ seed: 42, seedPolicy: 'BEST_OF_K' }, 'ex1', 'alice')).toBe(42);
    expect(submissionSeed({ seed: 42, seedPolicy: 'PER_STUDENT' }, 'ex1', 'alice')).toBe(studentSeed('ex1', 'alice', 42));
  });
  it("best-of-k's further seeds follow the first, wrapping at 2^31", () => {
    expect([0, 1, 2].map((n) => nthSeed(42, n))).toEqual([42, 43, 44]);
    expect(nthSeed(2 ** 31 - 1, 1)).toBe(0);
  });
});
