import { isValidationIndex } from './lesson-split';
import { seededPermutation } from './seeded-permutation';

/** Fixed seeds of the image-folder orders. Changing them changes every cache: bump CACHE_FORMAT_VERSION too. */
export const TRAIN_ORDER_SEED = 0x0c1fa210;
export const TEST_ORDER_SEED = 0x7e57da7a;

/**
 * Orders class-sorted training images so that classes are mixed AND the lesson's split (every 10th image is
 * validation) gives every class its proportional share exactly:
 *  1. each class gives floor-or-ceil(10% of its images) to validation (largest-remainder quotas that add up to the
 *     number of validation positions), picked by a seeded shuffle within the class;
 *  2. the validation pool and the training pool are each shuffled with TRAIN_ORDER_SEED;
 *  3. positions 9, 19, 29, ... take the validation pool in turn, the other positions the training pool.
 * Returns the new order as indices into the class-sorted input.
 */
export function stratifiedTrainingOrder(labels: Uint8Array, classCount: number, seed = TRAIN_ORDER_SEED): Uint32Array {
  const n = labels.length;
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i] as number]?.push(i);

  const validationTotal = Math.floor(n / 10);
  const quotas = largestRemainderQuotas(
    byClass.map((c) => c.length),
    validationTotal,
  );
  const validationPool: number[] = [];
  const trainingPool: number[] = [];
  byClass.forEach((members, c) => {
    const pick = seededPermutation(members.length, seed + 1 + c);
    pick.forEach((p, k) => (k < (quotas[c] as number) ? validationPool : trainingPool).push(members[p] as number));
  });

  const validationOrder = seededPermutation(validationPool.length, seed);
  const trainingOrder = seededPermutation(trainingPool.length, seed ^ 0x5bd1e995);
  const order = new Uint32Array(n);
  let v = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    order[i] = isValidationIndex(i) ? (validationPool[validationOrder[v++] as number] as number) : (trainingPool[trainingOrder[t++] as number] as number);
  }
  return order;
}

/** Splits `total` over groups in proportion to their sizes (Hamilton's method; ties go to the lower index). */
export function largestRemainderQuotas(sizes: readonly number[], total: number): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum === 0) return sizes.map(() => 0);
  const exact = sizes.map((s) => (s * total) / sum);
  const quotas = exact.map((e) => Math.floor(e));
  let left = total - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    quotas[i] = (quotas[i] as number) + 1;
    left--;
  }
  return quotas;
}
