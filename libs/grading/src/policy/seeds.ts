import { createHash } from 'node:crypto';
import type { TGradingPolicy } from '@epoch/contracts';

const SEED_RANGE = 2 ** 31;

/**
 * A student's own seed for an exercise (seed policy PER_STUDENT): the first four bytes of
 * SHA-256("epoch-seed:v1:<exercise id>:<user id>:<policy seed>") read as a big-endian unsigned integer, modulo 2^31.
 * Stable (the same student gets the same seed on every submission to the exercise, on every machine), different from
 * student to student, and changed for everyone when an admin changes the policy's seed.
 */
export function studentSeed(exerciseId: string, userId: string, policySeed: number): number {
  const digest = createHash('sha256').update(`epoch-seed:v1:${exerciseId}:${userId}:${policySeed}`).digest();
  return digest.readUInt32BE(0) % SEED_RANGE;
}

/** The seed a new submission trains with (its first seed under BEST_OF_K), recorded on the submission. */
export function submissionSeed(policy: Pick<TGradingPolicy, 'seed' | 'seedPolicy'>, exerciseId: string, userId: string): number {
  return policy.seedPolicy === 'PER_STUDENT' ? studentSeed(exerciseId, userId, policy.seed) : policy.seed;
}

/** Best-of-k's n-th seed (0: the submission's own): the following integers, wrapping at 2^31. */
export function nthSeed(first: number, n: number): number {
  return (first + n) % SEED_RANGE;
}
