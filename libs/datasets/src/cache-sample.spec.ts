import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMAGES_FILE, MANIFEST_FILE } from './cache';
import { readCacheSample } from './cache-sample';
import { IMAGE_BYTES } from './classes';
import { randomImages, writeCacheFixture } from './testing/fixtures';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'epoch-sample-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('readCacheSample', () => {
  const splits = { train: randomImages(6, 1), validation: randomImages(2, 2), test: randomImages(5, 3) };

  it('reads the chosen images and labels of a split, in the order asked for', async () => {
    await writeCacheFixture(tmp, splits);
    const r = await readCacheSample(tmp, 'test', [4, 0]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.sample.labels).toEqual([splits.test.labels[4], splits.test.labels[0]]);
    expect(r.sample.images.subarray(0, IMAGE_BYTES)).toEqual(splits.test.images.subarray(4 * IMAGE_BYTES, 5 * IMAGE_BYTES));
    expect(r.sample.images.subarray(IMAGE_BYTES)).toEqual(splits.test.images.subarray(0, IMAGE_BYTES));
    expect(r.sample.classNames[0]).toBe('airplane');
    const train = await readCacheSample(tmp, 'train', [0, 1, 2, 3, 4, 5]);
    expect(train.ok && train.sample.images).toEqual(splits.train.images);
  });

  it('says why when there is no cache, an index is out of range, or the files do not match the manifest', async () => {
    expect(await readCacheSample(tmp, 'train', [0])).toEqual({ ok: false, reason: 'no cache yet' });
    await writeCacheFixture(tmp, splits);
    expect(await readCacheSample(tmp, 'test', [5])).toEqual({ ok: false, reason: 'image 5 is outside the 5 test images of the cache' });
    await truncate(join(tmp, IMAGES_FILE), 100);
    expect(await readCacheSample(tmp, 'test', [0])).toEqual({
      ok: false,
      reason: 'the cache is corrupt: its files do not have the sizes its manifest records',
    });
    await rm(join(tmp, IMAGES_FILE));
    expect(await readCacheSample(tmp, 'test', [0])).toEqual({ ok: false, reason: 'the cache is incomplete: images.u8 is missing' });
    await rm(join(tmp, MANIFEST_FILE));
    expect(await readCacheSample(tmp, 'test', [0])).toEqual({ ok: false, reason: 'no cache yet' });
  });
});
