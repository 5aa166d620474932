import { seededPermutation } from './seeded-permutation';

/**
 * The held-out test split: which of the first `count` test images are private (1) and which public (0). Stratified by
 * class: of each class's images, round(share × that class's count) are private, chosen by a seeded permutation of the
 * class's images (seed mixed with the class index), so the split depends only on the labels, the share and the seed —
 * the same for every submission of an exercise, on every machine.
 */
export function heldOutMask(labels: ArrayLike<number>, count: number, share: number, seed: number): Uint8Array {
  if (!(share > 0 && share < 1)) throw new RangeError(`heldOutMask: share must be between 0 and 1, got ${share}`);
  const n = Math.min(count, labels.length);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(i);
  }
  const mask = new Uint8Array(n);
  for (const [c, indices] of byClass) {
    const order = seededPermutation(indices.length, (seed ^ Math.imul(c + 1, 0x9e3779b1)) >>> 0);
    const take = Math.round(indices.length * share);
    for (let k = 0; k < take; k++) mask[indices[order[k] as number] as number] = 1;
  }
  return mask;
}
