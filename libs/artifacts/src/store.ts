import { createHash } from 'node:crypto';

/** What a stored object is: its key in the store, its SHA-256 (hex) and its size in bytes. */
export interface TStoredObject {
  key: string;
  sha256: string;
  size: number;
}

/**
 * Where artifact bytes live (plots, their data, trained weights): outside Postgres, addressed by content. `put` of the
 * same bytes twice stores them once and returns the same key; a reader never sees a partly written object.
 */
export interface TArtifactStore {
  /** Where the objects are, for logs and messages (a folder, or s3://bucket/prefix). */
  readonly description: string;
  put(bytes: Uint8Array): Promise<TStoredObject>;
  /** The bytes of a key; ArtifactMissingError when the store has no such object. */
  get(key: string): Promise<Buffer>;
  /** Removes an object (nothing happens when it is already gone). */
  delete(key: string): Promise<void>;
  /** Every object's key with its size and when it was written, for garbage collection. */
  list(): AsyncIterable<{ key: string; size: number; modifiedAt: Date }>;
}

export class ArtifactMissingError extends Error {
  constructor(
    readonly key: string,
    where: string,
  ) {
    super(`artifact ${key} is missing from ${where}`);
  }
}

const KEY = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** The key of content with this SHA-256: `sha256/ab/abcdef…` (two-character fan-out keeps folders small). */
export function contentKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256 in hex: "${sha256}"`);
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** Whether a string is a key this store makes (nothing else is ever turned into a path or an object name). */
export function isContentKey(key: string): boolean {
  return KEY.test(key) && key.slice(7, 9) === key.slice(10, 12);
}

/** Hash, size and key of some bytes. */
export function describeBytes(bytes: Uint8Array): TStoredObject {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { key: contentKey(sha256), sha256, size: bytes.byteLength };
}

export function assertKey(key: string): void {
  if (!isContentKey(key)) throw new Error(`not an artifact key: "${key}"`);
}
