import * as tf from '@tensorflow/tfjs-core';
import { seededPermutation } from '@epoch/datasets';

/** Images as held in memory: uint8 HWC RGB, `count` of them back to back (the @epoch/datasets ImageSet shape). */
export interface TImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

export function assertImageSet(set: TImageSet, what: string, inputShape: number[]): void {
  const per = set.height * set.width * set.channels;
  if (set.images.length < set.count * per || set.labels.length < set.count) {
    throw new Error(
      `${what}: ${set.count} images of ${set.height}x${set.width}x${set.channels} need ${set.count * per} bytes and ${set.count} labels; got ${set.images.length} and ${set.labels.length}`,
    );
  }
  const want = inputShape.join('x');
  if (`${set.height}x${set.width}x${set.channels}` !== want) {
    throw new Error(`${what}: images are ${set.height}x${set.width}x${set.channels} but the model's input is ${want}`);
  }
}

/** A view of the first `limit` images (no copy). */
export function limitImageSet(set: TImageSet, limit: number | undefined): TImageSet {
  if (limit === undefined || limit >= set.count) return set;
  const per = set.height * set.width * set.channels;
  return { ...set, count: limit, images: set.images.subarray(0, limit * per), labels: set.labels.subarray(0, limit) };
}

/**
 * One batch as float tensors, made on the fly: pixels scaled to 0..1 and labels one-hot, as in the lesson. The caller
 * owns (and must dispose) the returned tensors.
 */
export function makeBatch(set: TImageSet, indices: ArrayLike<number>, start: number, end: number, numClasses: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const n = end - start;
  const per = set.height * set.width * set.channels;
  const xs = new Float32Array(n * per);
  const ys = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const idx = indices[start + i];
    const src = set.images.subarray(idx * per, (idx + 1) * per);
    const off = i * per;
    for (let k = 0; k < per; k++) xs[off + k] = src[k] / 255;
    const label = set.labels[idx];
    if (label >= numClasses) throw new Error(`image ${idx} has label ${label} but the model has ${numClasses} outputs`);
    ys[i * numClasses + label] = 1;
  }
  return { x: tf.tensor4d(xs, [n, set.height, set.width, set.channels]), y: tf.tensor2d(ys, [n, numClasses]) };
}

/** Seeded Fisher-Yates permutation of 0..n-1: the datasets' seededPermutation (one shuffle for every seeded order). */
export function shuffledIndices(n: number, seed: number): Uint32Array {
  return seededPermutation(n, seed);
}

export function sequentialIndices(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
