import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';

export const ZSourceFingerprint = z.object({
  path: z.string(),
  /** Bytes of an archive; number of files of a folder. */
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  /** sha256 of an archive's size and mtime, or of a folder tree's folder mtimes and file names. */
  fingerprint: z.string(),
});
export type TSourceFingerprint = z.infer<typeof ZSourceFingerprint>;

/**
 * Identifies the state of a source cheaply, so that a cached load stays well under a second:
 *  - an archive: its size and mtime;
 *  - a folder: every folder's mtime and the sorted names of all files (adding, removing or renaming any image
 *    changes it). Files are not stat'ed one by one: 60,000 stats cost seconds. An image rewritten in place under
 *    the same name is therefore not noticed; `prepareCifar10({ force: true })` rebuilds in that case.
 */
export async function fingerprintSource(path: string): Promise<TSourceFingerprint> {
  const absolute = resolve(path);
  const info = await stat(absolute);
  if (!info.isDirectory()) {
    return { path: absolute, size: info.size, mtimeMs: info.mtimeMs, fingerprint: sha256Text(`file\t${info.size}\t${info.mtimeMs}`) };
  }
  const lines: string[] = [];
  let files = 0;
  let mtimeMs = info.mtimeMs;
  const walk = async (dir: string, dirMtimeMs: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries
      .filter((e) => !e.isDirectory())
      .map((e) => e.name)
      .sort();
    files += names.length;
    mtimeMs = Math.max(mtimeMs, dirMtimeMs);
    lines.push(`${relative(absolute, dir) || '.'}\t${dirMtimeMs}\t${names.join('/')}`);
    const subdirs = entries.filter((e) => e.isDirectory());
    await Promise.all(subdirs.map(async (e) => walk(join(dir, e.name), (await stat(join(dir, e.name))).mtimeMs)));
  };
  await walk(absolute, info.mtimeMs);
  lines.sort();
  // For a folder, `size` counts files (summing bytes would need a stat per file).
  return { path: absolute, size: files, mtimeMs, fingerprint: sha256Text(`folder\n${lines.join('\n')}`) };
}

function sha256Text(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
