import { mulberry32 } from '@epoch/contracts';

export { mulberry32 };

/**
 * A deterministic permutation of 0..n-1 (Fisher-Yates driven by mulberry32(seed)). The same (n, seed) always gives
 * the same order on every platform; the trainer reshuffles each epoch with it.
 */
export function seededPermutation(n: number, seed: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`seededPermutation: n must be a whole number >= 0, got ${n}`);
  if (!Number.isFinite(seed)) throw new RangeError(`seededPermutation: seed must be a finite number, got ${seed}`);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
}
