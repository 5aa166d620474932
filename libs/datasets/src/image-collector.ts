import { CIFAR10_CLASS_NAMES, IMAGE_BYTES } from './classes';
import { DatasetError } from './dataset-error';
import { decodeFailureError, type TImageFormat } from './decode-image';
import { DecodePool } from './decode-pool';

export type TSplitName = 'train' | 'test';
export const SPLIT_NAMES: readonly TSplitName[] = ['train', 'test'];

export interface DecodedImages {
  images: Uint8Array;
  labels: Uint8Array;
}

interface Entry {
  name: string;
  pixels: Uint8Array;
}

interface Queued {
  split: TSplitName;
  label: number;
  name: string;
  format: TImageFormat;
  bytes: Uint8Array;
  where: string;
}

/** Images per message to a decode worker: large enough to amortise messaging, small enough to balance workers. */
const BATCH_SIZE = 256;

const classIndex = new Map(CIFAR10_CLASS_NAMES.map((name, i) => [name, i]));

/** Throws unless `name` is one of the ten class folder names. */
export function checkClassFolder(split: TSplitName, name: string, where: string): number {
  const index = classIndex.get(name);
  if (index === undefined) {
    throw new DatasetError(`${where}: unexpected class folder "${split}/${name}"; the class folders must be named ${CIFAR10_CLASS_NAMES.join(', ')}`);
  }
  return index;
}

/**
 * Gathers per-class images from a folder or an archive (in any order), decodes them on worker threads, and
 * returns them class by class in the canonical class order, files sorted by name within a class.
 * Call close() when done (it stops the workers).
 */
export class ImageCollector {
  private readonly found: Record<TSplitName, Entry[][]> = {
    train: CIFAR10_CLASS_NAMES.map(() => []),
    test: CIFAR10_CLASS_NAMES.map(() => []),
  };
  private queue: Queued[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private pool: DecodePool | undefined;
  private failure: Error | undefined;
  private added = 0;
  private decoded = 0;

  constructor(
    private readonly where: string,
    private readonly onProgress?: (msg: string) => void,
    private readonly poolSize?: number,
  ) {}

  /** Images added so far (decoded or not). */
  get count(): number {
    return this.added;
  }

  /** Queues one image; throws at once for a wrong class folder or when an earlier batch already failed. */
  add(split: TSplitName, className: string, fileName: string, format: TImageFormat, bytes: Uint8Array, where: string): void {
    if (this.failure) throw this.failure;
    const label = checkClassFolder(split, className, this.where);
    this.queue.push({ split, label, name: fileName, format, bytes, where });
    this.added++;
    if (this.queue.length >= BATCH_SIZE) this.dispatch();
  }

  private dispatch(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.pool ??= new DecodePool(this.poolSize);
    const done = this.pool.decode(batch).then((result) => {
      if ('failure' in result) {
        const item = batch[result.failure.index] as Queued;
        this.failure ??= decodeFailureError(result.failure, item.format, item.where);
        return;
      }
      batch.forEach((item, i) =>
        this.found[item.split][item.label]?.push({ name: item.name, pixels: result.pixels.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES) }),
      );
      const before = this.decoded;
      this.decoded += batch.length;
      if (Math.floor(this.decoded / 10000) > Math.floor(before / 10000)) this.onProgress?.(`decoded ${Math.floor(this.decoded / 10000) * 10000} images`);
    });
    // Record rejections (a crashed worker) without leaving an unhandled promise; finish() rethrows them.
    this.inFlight.push(done.catch((error: unknown) => void (this.failure ??= error instanceof Error ? error : new Error(String(error)))));
  }

  /** Waits for every image to be decoded, checks the layout, and returns the images in canonical order. */
  async finish(): Promise<Record<TSplitName, DecodedImages>> {
    this.dispatch();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    const result = {} as Record<TSplitName, DecodedImages>;
    for (const split of SPLIT_NAMES) {
      const perClass = this.found[split];
      const empty = CIFAR10_CLASS_NAMES.filter((_, c) => (perClass[c]?.length ?? 0) === 0);
      if (empty.length === CIFAR10_CLASS_NAMES.length) {
        throw new DatasetError(`${this.where}: no images found in ${split}/<class>/ (expected .jpg or .png files)`);
      }
      if (empty.length > 0) {
        throw new DatasetError(`${this.where}: ${split}/ has no images for the class${empty.length > 1 ? 'es' : ''} ${empty.join(', ')}`);
      }
      const total = perClass.reduce((n, c) => n + c.length, 0);
      const images = new Uint8Array(total * IMAGE_BYTES);
      const labels = new Uint8Array(total);
      let k = 0;
      perClass.forEach((entries, label) => {
        // Plain code-unit order, not localeCompare: the order must not depend on the machine's locale.
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of entries) {
          images.set(entry.pixels, k * IMAGE_BYTES);
          labels[k++] = label;
        }
      });
      result[split] = { images, labels };
    }
    return result;
  }

  /** Stops the decode workers; safe to call more than once. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }
}
