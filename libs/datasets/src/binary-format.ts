import { CIFAR10_CLASS_NAMES, IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from './classes';
import { DatasetError } from './dataset-error';

/** One record of the official binary format: 1 label byte, then 1024 R, 1024 G, 1024 B bytes (row-major planes). */
export const BINARY_RECORD_BYTES = 1 + IMAGE_BYTES;
export const BINARY_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'] as const;
export const BINARY_TEST_FILE = 'test_batch.bin';
export const BINARY_META_FILE = 'batches.meta.txt';
export const BINARY_FOLDER = 'cifar-10-batches-bin';

export function isBinaryBatchName(name: string): boolean {
  return name === BINARY_TEST_FILE || (BINARY_TRAIN_FILES as readonly string[]).includes(name);
}

/** Decodes whole batch files (in the given order) into HWC RGB pixels and labels, checking sizes and labels. */
export function decodeBinaryBatches(batches: readonly { name: string; bytes: Uint8Array }[]): { images: Uint8Array; labels: Uint8Array } {
  let total = 0;
  for (const { name, bytes } of batches) {
    if (bytes.length === 0 || bytes.length % BINARY_RECORD_BYTES !== 0) {
      const whole = Math.floor(bytes.length / BINARY_RECORD_BYTES);
      throw new DatasetError(
        `${name} is truncated or not a CIFAR-10 batch: ${bytes.length} bytes is not a whole number of ${BINARY_RECORD_BYTES}-byte records ` +
          `(1 label byte + 3072 pixel bytes; ${whole} whole records and ${bytes.length - whole * BINARY_RECORD_BYTES} bytes left over)`,
      );
    }
    total += bytes.length / BINARY_RECORD_BYTES;
  }
  const images = new Uint8Array(total * IMAGE_BYTES);
  const labels = new Uint8Array(total);
  const plane = IMAGE_HEIGHT * IMAGE_WIDTH;
  let k = 0;
  for (const { name, bytes } of batches) {
    for (let offset = 0; offset < bytes.length; offset += BINARY_RECORD_BYTES, k++) {
      const label = bytes[offset] as number;
      if (label >= CIFAR10_CLASS_NAMES.length) {
        throw new DatasetError(`${name}: record ${offset / BINARY_RECORD_BYTES} has label ${label}; labels must be 0..9`);
      }
      labels[k] = label;
      const base = k * IMAGE_BYTES;
      const r = offset + 1;
      for (let p = 0; p < plane; p++) {
        images[base + p * 3] = bytes[r + p] as number;
        images[base + p * 3 + 1] = bytes[r + plane + p] as number;
        images[base + p * 3 + 2] = bytes[r + 2 * plane + p] as number;
      }
    }
  }
  return { images, labels };
}

/** Checks batches.meta.txt (one class name per line) against the canonical class order. */
export function checkBinaryMeta(text: string, where: string): void {
  const names = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const expected = CIFAR10_CLASS_NAMES.join(', ');
  if (names.join(', ') !== expected) {
    throw new DatasetError(`${where} lists the classes "${names.join(', ')}", expected "${expected}"`);
  }
}

/** Encodes HWC RGB images into the official record format (the inverse of decodeBinaryBatches; used by tests). */
export function encodeBinaryBatch(images: Uint8Array, labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length * BINARY_RECORD_BYTES);
  const plane = IMAGE_HEIGHT * IMAGE_WIDTH;
  for (let k = 0; k < labels.length; k++) {
    const o = k * BINARY_RECORD_BYTES;
    out[o] = labels[k] as number;
    for (let p = 0; p < plane; p++) {
      out[o + 1 + p] = images[k * IMAGE_BYTES + p * 3] as number;
      out[o + 1 + plane + p] = images[k * IMAGE_BYTES + p * 3 + 1] as number;
      out[o + 1 + 2 * plane + p] = images[k * IMAGE_BYTES + p * 3 + 2] as number;
    }
  }
  return out;
}
