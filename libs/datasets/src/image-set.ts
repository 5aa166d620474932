import { IMAGE_BYTES } from './classes';

/** `count` images, each 32x32x3 uint8 in HWC order, RGB; `labels[i]` is the class index (0..9) of image i. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: 32;
  width: 32;
  channels: 3;
}

/** Wraps pixel and label buffers (no copy); throws on inconsistent lengths, which would be a programming error. */
export function makeImageSet(images: Uint8Array, labels: Uint8Array): ImageSet {
  if (images.length !== labels.length * IMAGE_BYTES) {
    throw new Error(`image set: ${images.length} pixel bytes do not match ${labels.length} labels x ${IMAGE_BYTES}`);
  }
  return { images, labels, count: labels.length, height: 32, width: 32, channels: 3 };
}

/** The first `limit` images of `set` as views into the same buffers (no copy). A limit above the count keeps all. */
export function subsetImageSet(set: ImageSet, limit: number): ImageSet {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`subsetImageSet: limit must be a whole number >= 0, got ${limit}`);
  const count = Math.min(limit, set.count);
  return makeImageSet(set.images.subarray(0, count * IMAGE_BYTES), set.labels.subarray(0, count));
}

/** Images of `set` at `indices`, copied in that order (used while building the cache, not on the hot path). */
export function gatherImages(images: Uint8Array, labels: Uint8Array, indices: ArrayLike<number>): { images: Uint8Array; labels: Uint8Array } {
  const outImages = new Uint8Array(indices.length * IMAGE_BYTES);
  const outLabels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    outImages.set(images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), k * IMAGE_BYTES);
    outLabels[k] = labels[i] as number;
  }
  return { images: outImages, labels: outLabels };
}

/** How many images of each class (index = label). */
export function countPerClass(labels: Uint8Array, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}
