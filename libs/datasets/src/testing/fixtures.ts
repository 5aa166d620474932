import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { create as createTar } from 'tar';
import { CACHE_FORMAT_VERSION, CACHE_LAYOUT, writeCache, type TCacheManifest } from '../cache';
import { BINARY_FOLDER, BINARY_META_FILE, BINARY_TEST_FILE, BINARY_TRAIN_FILES, encodeBinaryBatch } from '../binary-format';
import { CIFAR10_CLASS_NAMES, IMAGE_BYTES } from '../classes';
import { mulberry32 } from '../seeded-permutation';

export interface RawImages {
  images: Uint8Array;
  labels: Uint8Array;
}

/** `count` images of random pixels (seeded) with labels cycling 0..9 unless given. */
export function randomImages(count: number, seed: number, labels?: (i: number) => number): RawImages {
  const random = mulberry32(seed);
  const images = new Uint8Array(count * IMAGE_BYTES);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(random() * 256);
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = labels ? labels(i) : (i * 7 + seed) % CIFAR10_CLASS_NAMES.length;
  return { images, labels: out };
}

export interface BinaryFixture {
  /** The folder holding the batch files. */
  batchDir: string;
  /** Training images in file order (batch 1..5), and test images. */
  train: RawImages;
  test: RawImages;
}

/** Writes a tiny official-format distribution: `<dir>/cifar-10-batches-bin/{data_batch_1..5,test_batch}.bin` + meta. */
export async function writeBinaryDistribution(dir: string, opts: { perBatch?: number; testCount?: number; meta?: string } = {}): Promise<BinaryFixture> {
  const perBatch = opts.perBatch ?? 20;
  const testCount = opts.testCount ?? 20;
  const batchDir = join(dir, BINARY_FOLDER);
  await mkdir(batchDir, { recursive: true });
  const train = randomImages(perBatch * BINARY_TRAIN_FILES.length, 1);
  const test = randomImages(testCount, 2);
  for (const [b, name] of BINARY_TRAIN_FILES.entries()) {
    const slice = {
      images: train.images.subarray(b * perBatch * IMAGE_BYTES, (b + 1) * perBatch * IMAGE_BYTES),
      labels: train.labels.subarray(b * perBatch, (b + 1) * perBatch),
    };
    await writeFile(join(batchDir, name), encodeBinaryBatch(slice.images, slice.labels));
  }
  await writeFile(join(batchDir, BINARY_TEST_FILE), encodeBinaryBatch(test.images, test.labels));
  await writeFile(join(batchDir, BINARY_META_FILE), opts.meta ?? `${CIFAR10_CLASS_NAMES.join('\n')}\n\n`);
  await writeFile(join(batchDir, 'readme.html'), '<p>not data</p>');
  return { batchDir, train, test };
}

/**
 * The colour that identifies image `index` of class `label` in image-folder fixtures: uniform images survive JPEG
 * almost exactly, so tests can tell which file a decoded image came from.
 */
export function fixtureColour(label: number, index: number): [number, number, number] {
  return [20 + label * 20, 30 + index * 9, 200 - label * 10];
}

/** A 32x32 image of one colour (HWC RGB). */
export function uniformImage(rgb: readonly [number, number, number], width = 32, height = 32): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) out.set(rgb, p * 3);
  return out;
}

export function encodeJpeg(rgb: Uint8Array, width = 32, height = 32): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return jpeg.encode({ data: rgba, width, height }, 100).data;
}

export function encodePng(rgb: Uint8Array, width = 32, height = 32): Uint8Array {
  const png = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) {
    png.data.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

export interface ImageFolderOptions {
  trainPerClass: number;
  testPerClass: number;
  format?: 'jpg' | 'png';
  /** Put train/ and test/ inside this folder. */
  topLevel?: string;
  /** Class folder names (default: the ten CIFAR-10 classes). */
  classes?: readonly string[];
}

const classJpegs = new Map<number, Uint8Array>();

/** One JPEG per class, made once: jpeg-js builds its encoder tables on every call (~50 ms per image). */
function classJpeg(label: number): Uint8Array {
  let bytes = classJpegs.get(label);
  if (!bytes) {
    bytes = encodeJpeg(uniformImage(fixtureColour(label, 0)));
    classJpegs.set(label, bytes);
  }
  return bytes;
}

/**
 * Writes `<dir>[/topLevel]/{train,test}/<class>/NNNN.jpg|png`. PNG image `i` of class `c` is uniformly
 * fixtureColour(c, i); JPEG images of a class are all fixtureColour(c, 0). Returns the folder holding train/ and test/.
 */
export async function writeImageFolder(dir: string, opts: ImageFolderOptions): Promise<string> {
  const root = opts.topLevel ? join(dir, opts.topLevel) : dir;
  const format = opts.format ?? 'jpg';
  const classes = opts.classes ?? CIFAR10_CLASS_NAMES;
  for (const [split, perClass] of [
    ['train', opts.trainPerClass],
    ['test', opts.testPerClass],
  ] as const) {
    for (const [c, name] of classes.entries()) {
      const classDir = join(root, split, name);
      await mkdir(classDir, { recursive: true });
      for (let i = 0; i < perClass; i++) {
        const bytes = format === 'jpg' ? classJpeg(c) : encodePng(uniformImage(fixtureColour(c, i)));
        await writeFile(join(classDir, `${String(i).padStart(4, '0')}.${format}`), bytes);
      }
    }
  }
  return root;
}

/** Packs the contents of `dir` into `file` (.tar.gz when gzip, else .tar) without extracting anything later. */
export async function packFolder(dir: string, file: string, gzip = true): Promise<string> {
  await createTar({ gzip, file, cwd: dir, portable: true }, await readdir(dir));
  return file;
}

/**
 * Writes a prepared cache directly (no source to decode): `train`, `validation` and `test` images in that order, as
 * `prepare` lays them out. For tests that need a cache with chosen labels (e.g. the lesson's data figures).
 */
export async function writeCacheFixture(cacheDir: string, splits: { train: RawImages; validation: RawImages; test: RawImages }): Promise<TCacheManifest> {
  const { train, validation, test } = splits;
  const images = new Uint8Array([...train.images, ...validation.images, ...test.images]);
  const labels = new Uint8Array([...train.labels, ...validation.labels, ...test.labels]);
  const range = (offset: number, set: RawImages) => ({
    offset,
    count: set.labels.length,
    perClass: CIFAR10_CLASS_NAMES.map((_, c) => set.labels.filter((l) => l === c).length),
  });
  return writeCache(cacheDir, images, labels, {
    formatVersion: CACHE_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    source: { path: 'fixture', size: labels.length, mtimeMs: 0, fingerprint: 'fixture', kind: 'images-folder' },
    classNames: [...CIFAR10_CLASS_NAMES],
    layout: CACHE_LAYOUT,
    order: 'fixture: as given',
    splits: { train: range(0, train), validation: range(train.labels.length, validation), test: range(train.labels.length + validation.labels.length, test) },
  });
}
