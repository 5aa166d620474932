import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { IMAGE_BYTES } from './classes';
import type { TDecodeFailure } from './decode-core.mjs';
import type { TImageFormat } from './decode-image';

export type TBatchResult = { pixels: Uint8Array } | { failure: TDecodeFailure & { index: number } };

interface Pending {
  resolve: (r: TBatchResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Decoding 60,000 JPEGs is CPU-bound: one worker per core (at most 4), while the main thread reads the archive. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/**
 * Worker threads that decode batches of images (decode-worker.mjs). Each batch goes to the least busy worker;
 * images travel packed into one transferred buffer each way.
 */
export class DecodePool {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private broken: Error | undefined;

  constructor(size = defaultPoolSize()) {
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: new Worker(new URL('./decode-worker.mjs', import.meta.url)), pending: new Map() };
      const failAll = (error: Error) => {
        this.broken ??= error;
        for (const p of slot.pending.values()) p.reject(error);
        slot.pending.clear();
      };
      slot.worker.on('message', (msg: { id: number; pixels?: ArrayBuffer; failure?: TDecodeFailure & { index: number } }) => {
        const p = slot.pending.get(msg.id);
        slot.pending.delete(msg.id);
        if (!p) return;
        if (msg.failure) p.resolve({ failure: msg.failure });
        else p.resolve({ pixels: new Uint8Array(msg.pixels as ArrayBuffer) });
      });
      slot.worker.on('error', (error) => failAll(new Error(`image decoder worker failed: ${error.message}`, { cause: error })));
      slot.worker.on('exit', (code) => failAll(new Error(`image decoder worker exited with code ${code}`)));
      this.slots.push(slot);
    }
  }

  /** Decodes images into one buffer of count x 3072 bytes, or reports the first image that failed. */
  decode(images: readonly { bytes: Uint8Array; format: TImageFormat }[]): Promise<TBatchResult> {
    if (this.broken) return Promise.reject(this.broken);
    const offsets = new Uint32Array(images.length + 1);
    for (let i = 0; i < images.length; i++) offsets[i + 1] = (offsets[i] as number) + (images[i]?.bytes.length ?? 0);
    const packed = new Uint8Array(offsets[images.length] as number);
    const formats = new Uint8Array(images.length);
    images.forEach((image, i) => {
      packed.set(image.bytes, offsets[i]);
      formats[i] = image.format === 'png' ? 1 : 0;
    });
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<TBatchResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, buffer: packed.buffer, offsets, formats }, [packed.buffer]);
    }).then((r) => {
      if ('pixels' in r && r.pixels.length !== images.length * IMAGE_BYTES) throw new Error('image decoder worker returned a wrong-sized batch');
      return r;
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
