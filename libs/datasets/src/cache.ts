import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CIFAR10_CLASS_NAMES, IMAGE_BYTES } from './classes';
import { ZSourceFingerprint } from './source-fingerprint';

/** Bump when the cache layout, the split or the image-folder order changes: old caches are then rebuilt. */
export const CACHE_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const IMAGES_FILE = 'images.u8';
export const LABELS_FILE = 'labels.u8';

export const ZSourceKind = z.enum(['binary-archive', 'binary-folder', 'images-archive', 'images-folder']);

const ZSplitRange = z.object({
  /** First image of the split in images.u8 / labels.u8. */
  offset: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
  perClass: z.array(z.number().int().nonnegative()).length(CIFAR10_CLASS_NAMES.length),
});
export type TSplitRange = z.infer<typeof ZSplitRange>;

const ZCacheFile = z.object({ name: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

export const ZCacheManifest = z.object({
  formatVersion: z.literal(CACHE_FORMAT_VERSION),
  createdAt: z.string(),
  source: ZSourceFingerprint.extend({ kind: ZSourceKind, downloadedFrom: z.string().optional() }),
  classNames: z.array(z.string()).length(CIFAR10_CLASS_NAMES.length),
  /** Human-readable: how the images are laid out and ordered. */
  layout: z.string(),
  order: z.string(),
  splits: z.object({ train: ZSplitRange, validation: ZSplitRange, test: ZSplitRange }),
  files: z.object({ images: ZCacheFile, labels: ZCacheFile }),
});
export type TCacheManifest = z.infer<typeof ZCacheManifest>;

export const CACHE_LAYOUT =
  'images.u8: uint8 pixels, 32x32x3 per image, HWC, RGB; labels.u8: one uint8 class index per image; ' +
  'both in the order training (45,000 for the full set) | validation (every 10th source training image) | test';

export interface CacheData {
  manifest: TCacheManifest;
  images: Uint8Array;
  labels: Uint8Array;
}

export type TCacheRead = { ok: true; data: CacheData } | { ok: false; reason: string; manifest?: TCacheManifest };

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads the manifest alone; null when missing or unreadable (the reason says which). */
export async function readManifest(cacheDir: string): Promise<{ manifest: TCacheManifest } | { reason: string }> {
  let raw: string;
  try {
    raw = await readFile(join(cacheDir, MANIFEST_FILE), 'utf8');
  } catch {
    return { reason: 'no cache yet' };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { reason: 'the cache manifest is not valid JSON' };
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== CACHE_FORMAT_VERSION) return { reason: `the cache has format version ${String(version)}, this code writes ${CACHE_FORMAT_VERSION}` };
  const parsed = ZCacheManifest.safeParse(json);
  if (!parsed.success) return { reason: `the cache manifest is invalid (${parsed.error.issues[0]?.message ?? 'schema mismatch'})` };
  return { manifest: parsed.data };
}

/**
 * Loads and verifies the cache: sizes, split ranges and sha256 of both data files must match the manifest. With
 * `checksums: false` the sha256 checks are skipped (about 0.3 s for the full dataset), for a reader whose caller has
 * just verified the same cache (the grader's training children).
 */
export async function readCache(cacheDir: string, opts: { checksums?: boolean } = {}): Promise<TCacheRead> {
  const m = await readManifest(cacheDir);
  if ('reason' in m) return { ok: false, reason: m.reason };
  const { manifest } = m;
  const load = async (file: TCacheManifest['files']['images']): Promise<Uint8Array | string> => {
    let buf: Buffer;
    try {
      buf = await readFile(join(cacheDir, file.name));
    } catch {
      return `${file.name} is missing`;
    }
    if (buf.length !== file.bytes) return `${file.name} has ${buf.length} bytes, the manifest says ${file.bytes}`;
    if (opts.checksums !== false && sha256(buf) !== file.sha256) return `${file.name} does not match its sha256 checksum`;
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  };
  const [images, labels] = await Promise.all([load(manifest.files.images), load(manifest.files.labels)]);
  if (typeof images === 'string') return { ok: false, reason: `the cache is corrupt: ${images}`, manifest };
  if (typeof labels === 'string') return { ok: false, reason: `the cache is corrupt: ${labels}`, manifest };
  const { train, validation, test } = manifest.splits;
  const total = labels.length;
  const contiguous =
    train.offset === 0 && validation.offset === train.count && test.offset === train.count + validation.count && test.offset + test.count === total;
  if (!contiguous || images.length !== total * IMAGE_BYTES) return { ok: false, reason: 'the cache is corrupt: split ranges do not cover the data', manifest };
  return { ok: true, data: { manifest, images, labels } };
}

/**
 * Writes the cache so that an interrupted write never leaves a cache that verifies: data goes to temporary files
 * first, the old manifest is removed before the data files are swapped in, and the new manifest is renamed last.
 */
export async function writeCache(cacheDir: string, images: Uint8Array, labels: Uint8Array, manifest: Omit<TCacheManifest, 'files'>): Promise<TCacheManifest> {
  await mkdir(cacheDir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = (name: string) => join(cacheDir, `.${name}.${tag}.tmp`);
  const full: TCacheManifest = {
    ...manifest,
    files: {
      images: { name: IMAGES_FILE, bytes: images.length, sha256: sha256(images) },
      labels: { name: LABELS_FILE, bytes: labels.length, sha256: sha256(labels) },
    },
  };
  try {
    await writeFile(temp(IMAGES_FILE), images);
    await writeFile(temp(LABELS_FILE), labels);
    await writeFile(temp(MANIFEST_FILE), `${JSON.stringify(full, null, 2)}\n`);
    await rm(join(cacheDir, MANIFEST_FILE), { force: true });
    await rename(temp(IMAGES_FILE), join(cacheDir, IMAGES_FILE));
    await rename(temp(LABELS_FILE), join(cacheDir, LABELS_FILE));
    await rename(temp(MANIFEST_FILE), join(cacheDir, MANIFEST_FILE));
  } finally {
    await Promise.all([IMAGES_FILE, LABELS_FILE, MANIFEST_FILE].map((name) => rm(temp(name), { force: true })));
  }
  return full;
}

/** Temporary files of writeCache and of the download, with the writer's process id. */
const TEMP_FILE = /^(?:\.(?:images\.u8|labels\.u8|manifest\.json)\.(\d+)-[0-9a-f]+\.tmp|cifar-10-binary\.tar\.gz\.(\d+)\.part)$/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files left by a prepare that was killed (up to 184 MB each). Files of a process that is still
 * running are kept: it may be writing the same cache right now.
 */
export async function removeStaleTempFiles(cacheDir: string): Promise<string[]> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  const stale = names.filter((name) => {
    const m = TEMP_FILE.exec(name);
    const pid = Number(m?.[1] ?? m?.[2]);
    return m !== null && pid !== process.pid && !isAlive(pid);
  });
  await Promise.all(stale.map((name) => rm(join(cacheDir, name), { force: true })));
  return stale;
}
