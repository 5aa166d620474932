import type { TSplitRange } from './cache';
import { CIFAR10_CLASS_NAMES, IMAGE_BYTES } from './classes';
import { countPerClass } from './image-set';
import { stratifiedTrainingOrder, TEST_ORDER_SEED, TRAIN_ORDER_SEED } from './interleave';
import { lessonSplitIndices } from './lesson-split';
import { seededPermutation } from './seeded-permutation';
import type { DecodedSource } from './source-reader';

export interface ArrangedData {
  images: Uint8Array;
  labels: Uint8Array;
  splits: { train: TSplitRange; validation: TSplitRange; test: TSplitRange };
  order: string;
}

export const BINARY_ORDER = 'official binary: training = data_batch_1..5 in file order, test = test_batch in file order';
export const IMAGES_ORDER =
  `image folders: classes in canonical order, files sorted by name; training images interleaved by a stratified seeded shuffle ` +
  `(seed ${TRAIN_ORDER_SEED}) so every 10th image takes each class's proportional share; test images shuffled with seed ${TEST_ORDER_SEED}`;

/**
 * Puts a decoded source into the cache's order: the source's training order (file order, or the stratified
 * interleave for image folders), split by the lesson's rule into training | validation, then test. Storing the
 * splits contiguously lets every split be a view into one buffer.
 */
export function arrangeForCache(source: DecodedSource): ArrangedData {
  const fromImages = source.kind === 'images-archive' || source.kind === 'images-folder';
  const trainCount = source.train.labels.length;
  const testCount = source.test.labels.length;
  const trainOrder = fromImages ? stratifiedTrainingOrder(source.train.labels, CIFAR10_CLASS_NAMES.length) : identity(trainCount);
  const testOrder = fromImages ? seededPermutation(testCount, TEST_ORDER_SEED) : identity(testCount);
  const split = lessonSplitIndices(trainCount);

  const total = trainCount + testCount;
  const images = new Uint8Array(total * IMAGE_BYTES);
  const labels = new Uint8Array(total);
  let k = 0;
  const put = (from: DecodedSource['train'], index: number) => {
    images.set(from.images.subarray(index * IMAGE_BYTES, (index + 1) * IMAGE_BYTES), k * IMAGE_BYTES);
    labels[k++] = from.labels[index] as number;
  };
  const range = (offset: number, count: number): TSplitRange => ({
    offset,
    count,
    perClass: countPerClass(labels.subarray(offset, offset + count), CIFAR10_CLASS_NAMES.length),
  });

  for (const position of split.train) put(source.train, trainOrder[position] as number);
  for (const position of split.validation) put(source.train, trainOrder[position] as number);
  for (const index of testOrder) put(source.test, index);
  return {
    images,
    labels,
    splits: {
      train: range(0, split.train.length),
      validation: range(split.train.length, split.validation.length),
      test: range(trainCount, testCount),
    },
    order: fromImages ? IMAGES_ORDER : BINARY_ORDER,
  };
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
