/**
 * Mulberry32: a tiny 32-bit PRNG. Hand-written on purpose: cached dataset orders and epoch shuffles must never
 * change with a dependency update, and a known-answer test pins the sequence.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
