import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { arrangeForCache } from './arrange';
import {
  CACHE_FORMAT_VERSION,
  CACHE_LAYOUT,
  readCache,
  readManifest,
  removeStaleTempFiles,
  writeCache,
  type CacheData,
  type TCacheManifest,
  type TSplitRange,
} from './cache';
import { defaultCifar10CacheDir } from './cache-dir';
import { CIFAR10_CLASS_NAMES, IMAGE_BYTES } from './classes';
import { CIFAR10_ENV_VAR } from './dataset-error';
import { CIFAR10_BINARY_URL, downloadCifar10Binary, type DownloadOptions } from './download';
import { makeImageSet, type ImageSet } from './image-set';
import { fingerprintSource } from './source-fingerprint';
import { readCifar10Source, type TSourceKind } from './source-reader';

export interface Cifar10Split {
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
  classNames: readonly string[];
  /** The path the cache was built from (for a download: the archive kept in the cache folder). */
  source: string;
}

export interface Cifar10Options {
  /** Path of the data; default: the EPOCH_CIFAR10 variable; neither: reuse a valid cache or download. */
  source?: string;
  /** Default: defaultCifar10CacheDir(env). */
  cacheDir?: string;
  onProgress?: (msg: string) => void;
  /** Where defaults are read from (EPOCH_CIFAR10, EPOCH_DATA_DIR); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Rebuild even when the cache is valid. */
  force?: boolean;
  /**
   * Verify the cache's data files against their sha256 checksums (default true). `false` checks sizes and layout only:
   * for a reader whose caller has just prepared and verified the same cache (the grader's training children).
   */
  checksums?: boolean;
  /** Download settings for when no source is given (injectable URL/md5 for tests). */
  download?: DownloadOptions;
}

export interface SplitCounts {
  total: number;
  /** Images per class name, in canonical class order. */
  perClass: Record<string, number>;
}

export interface PrepareResult {
  counts: { train: SplitCounts; validation: SplitCounts; test: SplitCounts };
  cacheDir: string;
  seconds: number;
  /** False when a valid cache was reused. */
  rebuilt: boolean;
  /** Why the cache was (re)built, or that it was valid. */
  reason: string;
  source: string;
  sourceKind: TSourceKind;
  downloadedFrom?: string;
}

interface Ensured {
  data: CacheData;
  rebuilt: boolean;
  reason: string;
  cacheDir: string;
  seconds: number;
}

async function ensureCache(opts: Cifar10Options): Promise<Ensured> {
  const started = performance.now();
  const env = opts.env ?? process.env;
  const cacheDir = resolve(opts.cacheDir ?? defaultCifar10CacheDir(env));
  const requested = opts.source || env[CIFAR10_ENV_VAR] || undefined;
  const progress = opts.onProgress ?? (() => undefined);
  const done = (data: CacheData, rebuilt: boolean, reason: string): Ensured => ({
    data,
    rebuilt,
    reason,
    cacheDir,
    seconds: (performance.now() - started) / 1000,
  });

  let reason = 'rebuild forced';
  let previous: TCacheManifest | undefined;
  if (!opts.force) {
    // The source is checked before the cache is read: a changed source makes reading 184 MB pointless.
    const current = requested ? await fingerprintSource(requested).catch(() => null) : null;
    const m = await readManifest(cacheDir);
    if ('manifest' in m) previous = m.manifest;
    const stale = previous && current && (previous.source.path !== current.path || previous.source.fingerprint !== current.fingerprint);
    if ('reason' in m) reason = m.reason;
    else if (requested && !current) reason = `${requested} cannot be read`;
    else if (stale)
      reason =
        previous?.source.path === current?.path
          ? `the source ${current?.path} changed`
          : `the source is now ${current?.path} (the cache was built from ${previous?.source.path})`;
    else {
      const cached = await readCache(cacheDir, { checksums: opts.checksums ?? true });
      if (cached.ok) {
        progress(`CIFAR-10 cache is valid (${cacheDir}, built from ${cached.data.manifest.source.path})`);
        return done(cached.data, false, 'the cache is valid');
      }
      reason = cached.reason;
    }
  }
  progress(`building the CIFAR-10 cache in ${cacheDir}: ${reason}`);
  const leftovers = await removeStaleTempFiles(cacheDir);
  if (leftovers.length > 0) progress(`removed ${leftovers.length} temporary file(s) of an interrupted prepare`);

  let sourcePath: string;
  let downloadedFrom: string | undefined;
  if (requested) sourcePath = resolve(requested);
  else if (previous && !previous.source.downloadedFrom && existsSync(previous.source.path)) sourcePath = previous.source.path;
  else {
    progress(`${CIFAR10_ENV_VAR} is not set: downloading the official binary archive`);
    sourcePath = await downloadCifar10Binary(cacheDir, opts.download, progress);
    downloadedFrom = opts.download?.url ?? CIFAR10_BINARY_URL;
  }

  // Fingerprint before decoding: a source edited meanwhile then looks changed next time instead of cached.
  const before = await fingerprintSource(sourcePath).catch(() => null);
  const decoded = await readCifar10Source(sourcePath, progress);
  const fingerprint = before ?? (await fingerprintSource(sourcePath));
  const arranged = arrangeForCache(decoded);
  progress(`writing the cache (${arranged.labels.length} images)`);
  const manifest = await writeCache(cacheDir, arranged.images, arranged.labels, {
    formatVersion: CACHE_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    source: { ...fingerprint, kind: decoded.kind, ...(downloadedFrom ? { downloadedFrom } : {}) },
    classNames: [...CIFAR10_CLASS_NAMES],
    layout: CACHE_LAYOUT,
    order: arranged.order,
    splits: arranged.splits,
  });
  return done({ manifest, images: arranged.images, labels: arranged.labels }, true, reason);
}

function countsOf(range: TSplitRange): SplitCounts {
  return { total: range.count, perClass: Object.fromEntries(CIFAR10_CLASS_NAMES.map((name, i) => [name, range.perClass[i] ?? 0])) };
}

/** Makes sure the cache is built and valid (decoding the source only when needed) and reports the counts. */
export async function prepareCifar10(opts: Cifar10Options = {}): Promise<PrepareResult> {
  const { data, rebuilt, reason, cacheDir, seconds } = await ensureCache(opts);
  const { splits, source } = data.manifest;
  return {
    counts: { train: countsOf(splits.train), validation: countsOf(splits.validation), test: countsOf(splits.test) },
    cacheDir,
    seconds,
    rebuilt,
    reason,
    source: source.path,
    sourceKind: source.kind,
    ...(source.downloadedFrom ? { downloadedFrom: source.downloadedFrom } : {}),
  };
}

/** The lesson's split, prepared if needed. All three sets are views into one buffer (no copies). */
export async function loadCifar10(opts: Cifar10Options = {}): Promise<Cifar10Split> {
  const { data } = await ensureCache(opts);
  const view = (range: TSplitRange): ImageSet =>
    makeImageSet(
      data.images.subarray(range.offset * IMAGE_BYTES, (range.offset + range.count) * IMAGE_BYTES),
      data.labels.subarray(range.offset, range.offset + range.count),
    );
  const { splits } = data.manifest;
  return {
    train: view(splits.train),
    validation: view(splits.validation),
    test: view(splits.test),
    classNames: CIFAR10_CLASS_NAMES,
    source: data.manifest.source.path,
  };
}
