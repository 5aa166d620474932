import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMAGES_FILE, LABELS_FILE, MANIFEST_FILE } from './cache';
import { CIFAR10_CLASS_NAMES, IMAGE_BYTES } from './classes';
import { loadCifar10, prepareCifar10, type Cifar10Options } from './cifar10';
import { DatasetError } from './dataset-error';
import { countPerClass, type ImageSet } from './image-set';
import { seededPermutation } from './seeded-permutation';
import { fixtureColour, packFolder, writeBinaryDistribution, writeImageFolder } from './testing/fixtures';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'epoch-datasets-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Options isolated from the machine: no EPOCH_CIFAR10/EPOCH_DATA_DIR leak in from the environment. */
function opts(source: string | undefined, extra: Partial<Cifar10Options> = {}): Cifar10Options {
  return { source, cacheDir: join(tmp, 'cache'), env: {}, ...extra };
}

function image(set: ImageSet, i: number): Uint8Array {
  return set.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
}

/** Which fixture file (class, index) a decoded uniform image came from, judged by its first pixel. */
function identify(set: ImageSet, i: number): [number, number] {
  const [r, g] = image(set, i);
  const label = Math.round(((r as number) - 20) / 20);
  const index = Math.round(((g as number) - 30) / 9);
  expect(label).toBe(set.labels[i]);
  return [label, index];
}

describe('loadCifar10 from the official binary format', () => {
  it('loads a .tar.gz in file order with the lesson split (validation = every 10th image)', async () => {
    const fixture = await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 20, testCount: 30 });
    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'cifar-10-binary.tar.gz'));
    const split = await loadCifar10(opts(archive));

    expect([split.train.count, split.validation.count, split.test.count]).toEqual([90, 10, 30]);
    expect(split.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(split.source).toBe(archive);
    // Source image 0 is training image 0; source image 9 is validation image 0; source image 10 is training image 9.
    const source = (i: number) => fixture.train.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
    expect(image(split.train, 0)).toEqual(source(0));
    expect(image(split.validation, 0)).toEqual(source(9));
    expect(image(split.train, 9)).toEqual(source(10));
    expect(image(split.validation, 9)).toEqual(source(99));
    expect(Array.from(split.validation.labels)).toEqual([9, 19, 29, 39, 49, 59, 69, 79, 89, 99].map((i) => fixture.train.labels[i]));
    expect(split.test.images).toEqual(fixture.test.images);
    expect(split.test.labels).toEqual(fixture.test.labels);
    expect(split.train).toMatchObject({ height: 32, width: 32, channels: 3 });
  });

  it('loads the extracted folder, given either the folder above cifar-10-batches-bin or that folder itself', async () => {
    const fixture = await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
    const above = await prepareCifar10(opts(join(tmp, 'src')));
    expect(above.sourceKind).toBe('binary-folder');
    expect([above.counts.train.total, above.counts.validation.total, above.counts.test.total]).toEqual([45, 5, 10]);
    const split = await loadCifar10(opts(fixture.batchDir));
    expect(split.test.images).toEqual(fixture.test.images);
  });

  it('keeps the three sets as views of one buffer', async () => {
    await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
    const split = await loadCifar10(opts(join(tmp, 'src')));
    expect(split.validation.images.buffer).toBe(split.train.images.buffer);
    expect(split.test.images.buffer).toBe(split.train.images.buffer);
  });
});

describe('loadCifar10 from per-class image folders', () => {
  it('loads a folder inside one top-level folder, classes interleaved and split proportionally', async () => {
    await writeImageFolder(join(tmp, 'src'), { trainPerClass: 10, testPerClass: 3, topLevel: 'cifar10', format: 'png' });
    const result = await prepareCifar10(opts(join(tmp, 'src')));
    expect(result.sourceKind).toBe('images-folder');
    expect(result.rebuilt).toBe(true);
    expect(result.counts.train.total).toBe(90);
    expect(result.counts.validation.perClass).toEqual(Object.fromEntries(CIFAR10_CLASS_NAMES.map((n) => [n, 1])));
    expect(Object.values(result.counts.train.perClass)).toEqual(new Array(10).fill(9));
    expect(Object.values(result.counts.test.perClass)).toEqual(new Array(10).fill(3));

    const split = await loadCifar10(opts(join(tmp, 'src')));
    // Every file appears exactly once across training and validation, with its own pixels.
    const seen = new Set<string>();
    for (const set of [split.train, split.validation]) for (let i = 0; i < set.count; i++) seen.add(identify(set, i).join('/'));
    expect(seen.size).toBe(100);
    // Classes are mixed: the first ten training (and test) images are not one class.
    expect(new Set(split.train.labels.subarray(0, 10)).size).toBeGreaterThan(3);
    expect(new Set(split.test.labels.subarray(0, 10)).size).toBeGreaterThan(3);
  });

  it('loads JPEGs from a folder and from a .tar.gz streamed without extraction, in the same order', async () => {
    await writeImageFolder(join(tmp, 'src'), { trainPerClass: 4, testPerClass: 2, topLevel: 'cifar10-jpeg' });
    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'cifar10-jpeg.tar.gz'));
    const fromArchive = await prepareCifar10(opts(archive, { cacheDir: join(tmp, 'cache-a') }));
    expect(fromArchive.sourceKind).toBe('images-archive');
    const a = await loadCifar10(opts(archive, { cacheDir: join(tmp, 'cache-a') }));
    const b = await loadCifar10(opts(join(tmp, 'src'), { cacheDir: join(tmp, 'cache-b') }));
    expect(a.train.labels).toEqual(b.train.labels);
    expect(a.train.images).toEqual(b.train.images);
    expect(a.test.labels).toEqual(b.test.labels);
    expect([a.train.count, a.validation.count, a.test.count]).toEqual([36, 4, 20]);
    for (let i = 0; i < a.test.count; i++) {
      const expected = fixtureColour(a.test.labels[i] as number, 0);
      const got = Array.from(image(a.test, i).subarray(0, 3));
      got.forEach((v, k) => expect(Math.abs(v - (expected[k] as number))).toBeLessThanOrEqual(3));
    }
  });

  it('loads a plain .tar of PNGs without a top-level folder, exactly', async () => {
    await writeImageFolder(join(tmp, 'src'), { trainPerClass: 2, testPerClass: 1, format: 'png' });
    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'images.tar'), false);
    const split = await loadCifar10(opts(archive));
    expect(split.test.count).toBe(10);
    for (let i = 0; i < split.test.count; i++) {
      const label = split.test.labels[i] as number;
      expect(Array.from(image(split.test, i).subarray(0, 3))).toEqual(fixtureColour(label, 0));
    }
  });
});

describe('the cache', () => {
  it('reuses a valid cache without decoding again', async () => {
    await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'data.tar.gz'));
    await utimes(archive, 1_700_000_000, 1_700_000_000);
    expect((await prepareCifar10(opts(archive))).rebuilt).toBe(true);

    // Replace the archive's bytes with garbage of the same size and mtime: only a decode would notice.
    const info = await stat(archive);
    await writeFile(archive, Buffer.alloc(info.size, 0x41));
    await utimes(archive, 1_700_000_000, 1_700_000_000);
    const messages: string[] = [];
    const again = await prepareCifar10(opts(archive, { onProgress: (m) => messages.push(m) }));
    expect(again.rebuilt).toBe(false);
    expect(again.reason).toBe('the cache is valid');
    expect(messages.join('\n')).not.toMatch(/reading/);
    expect((await loadCifar10(opts(archive))).train.count).toBe(45);
  });

  it('rebuilds when the source changes (archive touched, image added, other source)', async () => {
    await writeImageFolder(join(tmp, 'src'), { trainPerClass: 2, testPerClass: 1, format: 'png' });
    expect((await prepareCifar10(opts(join(tmp, 'src')))).counts.test.total).toBe(10);

    await cp(join(tmp, 'src', 'test', 'cat', '0000.png'), join(tmp, 'src', 'test', 'cat', '0001.png'));
    const added = await prepareCifar10(opts(join(tmp, 'src')));
    expect(added.rebuilt).toBe(true);
    expect(added.reason).toMatch(/changed/);
    expect(added.counts.test.perClass['cat']).toBe(2);

    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'a.tar'), false);
    const other = await prepareCifar10(opts(archive));
    expect(other.rebuilt).toBe(true);
    expect(other.reason).toMatch(/the source is now/);
    const later = new Date(Date.now() + 5000);
    await utimes(archive, later, later);
    expect((await prepareCifar10(opts(archive))).rebuilt).toBe(true);
    expect((await prepareCifar10(opts(archive))).rebuilt).toBe(false);
  });

  it('detects a corrupt cache and rebuilds it', async () => {
    await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
    const source = join(tmp, 'src');
    const cacheDir = join(tmp, 'cache');
    const good = await loadCifar10(opts(source));

    const pixels = await readFile(join(cacheDir, IMAGES_FILE));
    pixels[1234] = (pixels[1234] as number) ^ 0xff;
    await writeFile(join(cacheDir, IMAGES_FILE), pixels);
    const flipped = await prepareCifar10(opts(source));
    expect(flipped.rebuilt).toBe(true);
    expect(flipped.reason).toMatch(/images\.u8 does not match its sha256/);
    expect((await loadCifar10(opts(source))).train.images).toEqual(good.train.images);

    // A reader that skips the checksums (its caller has just verified the cache) still checks the sizes.
    pixels[99] = (pixels[99] as number) ^ 0xff;
    await writeFile(join(cacheDir, IMAGES_FILE), pixels);
    const trusting = await loadCifar10(opts(source, { checksums: false }));
    expect(trusting.train.images[99]).toBe(pixels[99]);
    expect((await prepareCifar10(opts(source))).reason).toMatch(/images\.u8 does not match its sha256/);

    await writeFile(join(cacheDir, LABELS_FILE), new Uint8Array(3));
    expect((await prepareCifar10(opts(source))).reason).toMatch(/labels\.u8 has 3 bytes/);

    await writeFile(join(cacheDir, MANIFEST_FILE), '{ not json');
    expect((await prepareCifar10(opts(source))).reason).toMatch(/not valid JSON/);

    const manifest = JSON.parse(await readFile(join(cacheDir, MANIFEST_FILE), 'utf8')) as { formatVersion: number };
    await writeFile(join(cacheDir, MANIFEST_FILE), JSON.stringify({ ...manifest, formatVersion: 0 }));
    expect((await prepareCifar10(opts(source))).reason).toMatch(/format version 0/);
  });

  it('treats data files without a manifest (an interrupted write) as no cache, and clears its temp files', async () => {
    await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
    await prepareCifar10(opts(join(tmp, 'src')));
    await rm(join(tmp, 'cache', MANIFEST_FILE));
    // Leftovers of a killed prepare (a process that has exited) go; a live process's files would stay.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    await writeFile(join(tmp, 'cache', `.images.u8.${dead}-0a1b2c3d.tmp`), 'partial');
    await writeFile(join(tmp, 'cache', `cifar-10-binary.tar.gz.${dead}.part`), 'partial');
    const result = await prepareCifar10(opts(join(tmp, 'src')));
    expect(result).toMatchObject({ rebuilt: true, reason: 'no cache yet' });
    expect((await readdir(join(tmp, 'cache'))).sort()).toEqual([IMAGES_FILE, LABELS_FILE, MANIFEST_FILE].sort());
  });

  it('without a source, reuses the cache, or rebuilds from the recorded source when the cache is corrupt', async () => {
    await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
    await prepareCifar10(opts(join(tmp, 'src')));
    const reused = await prepareCifar10(opts(undefined));
    expect(reused).toMatchObject({ rebuilt: false, source: join(tmp, 'src') });
    await writeFile(join(tmp, 'cache', IMAGES_FILE), 'x');
    const rebuilt = await prepareCifar10(opts(undefined));
    expect(rebuilt).toMatchObject({ rebuilt: true, source: join(tmp, 'src') });
  });

  it('takes the source and cache folder from EPOCH_CIFAR10 and EPOCH_DATA_DIR', async () => {
    await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
    const result = await prepareCifar10({ env: { EPOCH_CIFAR10: join(tmp, 'src'), EPOCH_DATA_DIR: join(tmp, 'data') } });
    expect(result.cacheDir).toBe(join(tmp, 'data', 'cifar10'));
    expect(result.source).toBe(join(tmp, 'src'));
  });
});

describe('bad or missing data', () => {
  async function failure(source: string): Promise<DatasetError> {
    const error = await prepareCifar10(opts(source)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatasetError);
    const message = (error as DatasetError).message;
    expect(message).toContain('EPOCH_CIFAR10');
    expect(message).toContain('train/<class>/*.jpg');
    expect(message).toContain('cifar-10-batches-bin');
    // Nothing half-built is left behind.
    expect(
      await stat(join(tmp, 'cache', MANIFEST_FILE)).then(
        () => true,
        () => false,
      ),
    ).toBe(false);
    return error as DatasetError;
  }

  it('a path that does not exist', async () => {
    expect((await failure(join(tmp, 'nope'))).problem).toMatch(/EPOCH_CIFAR10 points to .*nope, which does not exist/);
  });

  it('an empty folder', async () => {
    await mkdir(join(tmp, 'empty'));
    expect((await failure(join(tmp, 'empty'))).problem).toMatch(/empty is an empty folder/);
  });

  it('a folder without the expected layout', async () => {
    await mkdir(join(tmp, 'odd', 'images'), { recursive: true });
    await mkdir(join(tmp, 'odd', 'labels'), { recursive: true });
    expect((await failure(join(tmp, 'odd'))).problem).toMatch(/has neither cifar-10-batches-bin\/\*\.bin batches nor train\/ and test\/ class folders/);
    await writeFile(join(tmp, 'odd', 'cifar10-jpeg.tar.gz'), 'x');
    expect((await failure(join(tmp, 'odd'))).problem).toMatch(/did you mean the archive .*odd\/cifar10-jpeg\.tar\.gz\?/);
  });

  it('wrong class folders, in a folder and in an archive', async () => {
    const classes = [...CIFAR10_CLASS_NAMES.slice(0, 9), 'lorry'];
    await writeImageFolder(join(tmp, 'src'), { trainPerClass: 1, testPerClass: 1, format: 'png', classes });
    expect((await failure(join(tmp, 'src'))).problem).toMatch(/unexpected class folder "train\/lorry"; the class folders must be named airplane, .*truck/);
    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'src.tar.gz'));
    expect((await failure(archive)).problem).toMatch(/unexpected class folder "(train|test)\/lorry"/);
  });

  it('a class folder with no images', async () => {
    await writeImageFolder(join(tmp, 'src'), { trainPerClass: 1, testPerClass: 1, format: 'png' });
    await rm(join(tmp, 'src', 'test', 'ship', '0000.png'));
    expect((await failure(join(tmp, 'src'))).problem).toMatch(/test\/ has no images for the class ship/);
  });

  it('a truncated binary batch inside an archive', async () => {
    const fixture = await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
    const batch = await readFile(join(fixture.batchDir, 'data_batch_2.bin'));
    await writeFile(join(fixture.batchDir, 'data_batch_2.bin'), batch.subarray(0, batch.length - 7));
    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'bin.tar.gz'));
    expect((await failure(archive)).problem).toMatch(/data_batch_2\.bin is truncated/);
  });

  it('a missing binary batch', async () => {
    const fixture = await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
    await rm(join(fixture.batchDir, 'test_batch.bin'));
    expect((await failure(join(tmp, 'src'))).problem).toMatch(/is incomplete: test_batch\.bin is missing/);
  });

  it('a corrupt JPEG inside an archive, naming the entry', async () => {
    await writeImageFolder(join(tmp, 'src'), { trainPerClass: 1, testPerClass: 1, topLevel: 'top' });
    await writeFile(join(tmp, 'src', 'top', 'train', 'dog', '0000.jpg'), 'not a jpeg at all');
    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'jpg.tgz'));
    expect((await failure(archive)).problem).toMatch(/jpg\.tgz: top\/train\/dog\/0000\.jpg is not a readable JPEG image/);
  });

  it('an image of the wrong size', async () => {
    await writeImageFolder(join(tmp, 'src'), { trainPerClass: 1, testPerClass: 1, format: 'png' });
    const { encodePng, uniformImage } = await import('./testing/fixtures');
    await writeFile(join(tmp, 'src', 'train', 'frog', '0000.png'), encodePng(uniformImage([1, 2, 3], 16, 16), 16, 16));
    expect((await failure(join(tmp, 'src'))).problem).toMatch(/train\/frog\/0000\.png is 16x16 pixels/);
  });

  it('an archive of unknown format, an empty file, and a corrupt gzip', async () => {
    await writeFile(join(tmp, 'data.zip'), Buffer.from('PK\x03\x04 this is a zip file, not a tarball'));
    expect((await failure(join(tmp, 'data.zip'))).problem).toMatch(/is not a \.tar\.gz, \.tgz or \.tar archive \(unknown format\)/);
    await writeFile(join(tmp, 'empty.tar.gz'), '');
    expect((await failure(join(tmp, 'empty.tar.gz'))).problem).toMatch(/the file is empty/);
    await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'cut.tar.gz'));
    const bytes = await readFile(archive);
    await writeFile(archive, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect((await failure(archive)).problem).toMatch(/cut\.tar\.gz could not be read as a tar archive|is truncated|incomplete/);
  });

  it('an archive entry far too large for an image', async () => {
    await writeImageFolder(join(tmp, 'src'), { trainPerClass: 1, testPerClass: 1, format: 'png' });
    await writeFile(join(tmp, 'src', 'train', 'cat', '0000.png'), Buffer.alloc(2 << 20));
    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'big.tar'), false);
    expect((await failure(archive)).problem).toMatch(/big\.tar: train\/cat\/0000\.png has 2097152 bytes, far too many for a 32x32 image/);
  });

  it('an archive with no CIFAR-10 data in it', async () => {
    await mkdir(join(tmp, 'src', 'docs'), { recursive: true });
    await writeFile(join(tmp, 'src', 'docs', 'readme.txt'), 'hello');
    const archive = await packFolder(join(tmp, 'src'), join(tmp, 'other.tar.gz'));
    expect((await failure(archive)).problem).toMatch(/holds no CIFAR-10 data/);
  });
});

const realSource = process.env['EPOCH_CIFAR10'];
const haveRealData = Boolean(realSource && existsSync(realSource));

// Runs only where EPOCH_CIFAR10 points at existing data (CI sets it to the shared archive); the full decode takes
// about 10 s on 2 cores.
if (haveRealData) {
  describe('the real CIFAR-10 data', () => {
    it('prepares 50,000 + 10,000 images, 5,000 / 1,000 per class, and the lesson split', async () => {
      const cacheDir = await mkdtemp(join(tmpdir(), 'epoch-cifar10-real-'));
      try {
        const result = await prepareCifar10({ source: realSource, cacheDir, env: {} });
        const trainPerClass = CIFAR10_CLASS_NAMES.map((n) => (result.counts.train.perClass[n] ?? 0) + (result.counts.validation.perClass[n] ?? 0));
        expect(trainPerClass).toEqual(new Array(10).fill(5000));
        expect(Object.values(result.counts.test.perClass)).toEqual(new Array(10).fill(1000));
        expect([result.counts.train.total, result.counts.validation.total, result.counts.test.total]).toEqual([45000, 5000, 10000]);

        const split = await loadCifar10({ source: realSource, cacheDir, env: {} });
        expect(split.train.count + split.validation.count).toBe(50000);
        // Every class gets its share of the validation images (exactly, for the class-folder layout).
        const validation = countPerClass(split.validation.labels, 10);
        for (const n of validation) expect(Math.abs(n - 500)).toBeLessThanOrEqual(result.sourceKind.startsWith('images') ? 0 : 60);
        // Real photographs, not blank images: pixel values vary within a random sample.
        const sample = seededPermutation(split.test.count, 1).subarray(0, 100);
        const means = Array.from(sample, (i) => split.test.images.subarray(i * 3072, (i + 1) * 3072).reduce((a, b) => a + b, 0) / 3072);
        expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(50);
      } finally {
        await rm(cacheDir, { recursive: true, force: true });
      }
    }, 180_000);
  });
}
