import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ArtifactMissingError, assertKey, describeBytes, isContentKey, type TArtifactStore, type TStoredObject } from './store';

const isMissing = (e: unknown) => typeof e === 'object' && e !== null && 'code' in e && (e as { code?: string }).code === 'ENOENT';

/**
 * Artifacts as files under one folder (`<root>/sha256/ab/<hash>`), shared by the API, the graders and the CLI (a
 * volume in containers). Writes are atomic: the bytes go to a temporary file in `<root>/tmp` (same file system),
 * are flushed, and are renamed into place, so a crash leaves at worst a stray temporary file, never a torn object.
 */
export class FsArtifactStore implements TArtifactStore {
  readonly description: string;

  constructor(private readonly root: string) {
    this.description = root;
  }

  private path(key: string): string {
    assertKey(key);
    return join(this.root, key);
  }

  async put(bytes: Uint8Array): Promise<TStoredObject> {
    const object = describeBytes(bytes);
    const target = this.path(object.key);
    try {
      if ((await stat(target)).size === object.size) return object;
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(tmpDir, `${object.sha256}.${randomBytes(6).toString('hex')}`);
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return object;
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.path(key));
    } catch (e) {
      if (isMissing(e)) throw new ArtifactMissingError(key, this.description);
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async *list(): AsyncIterable<{ key: string; size: number; modifiedAt: Date }> {
    const base = join(this.root, 'sha256');
    let fans: string[];
    try {
      fans = await readdir(base);
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    for (const fan of fans.sort()) {
      for (const name of (await readdir(join(base, fan)).catch(() => [])).sort()) {
        const key = `sha256/${fan}/${name}`;
        if (!isContentKey(key)) continue;
        const s = await stat(join(base, fan, name)).catch(() => null);
        if (s) yield { key, size: s.size, modifiedAt: s.mtime };
      }
    }
  }
}
