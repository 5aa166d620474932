import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifest, type TCacheManifest } from './cache';
import { IMAGE_BYTES } from './classes';

export type TCacheSplitName = 'train' | 'validation' | 'test';

export interface TCacheSample {
  /** The cache's manifest: `files.images.sha256` identifies the exact data (and its order). */
  manifest: TCacheManifest;
  /** The requested images, concatenated (32×32×3 HWC RGB each), in the order asked for. */
  images: Uint8Array;
  labels: number[];
  classNames: readonly string[];
}

export type TCacheSampleRead = { ok: true; sample: TCacheSample } | { ok: false; reason: string };

/**
 * A few images of a prepared cache, read straight from the files (a figure needs 25 images, not 184 MB). The data
 * files are not checksummed here (prepare and the grader's full load do that); sizes and split ranges are checked.
 * `indices` are positions within the split.
 */
export async function readCacheSample(cacheDir: string, split: TCacheSplitName, indices: readonly number[]): Promise<TCacheSampleRead> {
  const m = await readManifest(cacheDir);
  if ('reason' in m) return { ok: false, reason: m.reason };
  const { manifest } = m;
  const range = manifest.splits[split];
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= range.count);
  if (bad !== undefined) return { ok: false, reason: `image ${bad} is outside the ${range.count} ${split} images of the cache` };
  const images = new Uint8Array(indices.length * IMAGE_BYTES);
  const labels: number[] = [];
  const imagesFile = await open(join(cacheDir, manifest.files.images.name)).catch(() => null);
  const labelsFile = await open(join(cacheDir, manifest.files.labels.name)).catch(() => null);
  try {
    if (!imagesFile || !labelsFile)
      return { ok: false, reason: `the cache is incomplete: ${!imagesFile ? manifest.files.images.name : manifest.files.labels.name} is missing` };
    const [imagesStat, labelsStat] = await Promise.all([imagesFile.stat(), labelsFile.stat()]);
    if (imagesStat.size !== manifest.files.images.bytes || labelsStat.size !== manifest.files.labels.bytes) {
      return { ok: false, reason: 'the cache is corrupt: its files do not have the sizes its manifest records' };
    }
    const label = new Uint8Array(1);
    for (const [n, i] of indices.entries()) {
      const at = range.offset + i;
      await imagesFile.read(images, n * IMAGE_BYTES, IMAGE_BYTES, at * IMAGE_BYTES);
      await labelsFile.read(label, 0, 1, at);
      labels.push(label[0]!);
    }
  } finally {
    await Promise.all([imagesFile?.close(), labelsFile?.close()]);
  }
  return { ok: true, sample: { manifest, images, labels, classNames: manifest.classNames } };
}
