import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_LIMITS } from '../limits';
import { SourceError } from './source-error';

/** Folders a content source may have that are never course content (version control). */
const IGNORED = new Set(['.git']);

/**
 * Checks a folder that is about to be loaded as course content (a clone, an unpacked archive, a folder given to the
 * CLI): only plain files and folders (no symbolic links: they could point anywhere on the server), within the
 * limits. Returns the sha256 of the content (paths and bytes, sorted), which identifies a folder's revision.
 */
export async function checkTree(root: string, limits = CONTENT_LIMITS): Promise<{ sha256: string; files: number; bytes: number }> {
  const hash = createHash('sha256');
  let entries = 0;
  let bytes = 0;
  let files = 0;
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth) throw new SourceError(`${rel(dir)}: nested deeper than ${limits.maxDepth} folders`);
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      if (IGNORED.has(name)) continue;
      const full = path.join(dir, name);
      if (++entries > limits.maxEntries) throw new SourceError(`more than ${limits.maxEntries} files and folders`, true);
      const st = await lstat(full);
      if (st.isSymbolicLink()) throw new SourceError(`${rel(full)}: a symbolic link: course content must be plain files`);
      if (st.isDirectory()) {
        await visit(full, depth + 1);
        continue;
      }
      if (!st.isFile()) throw new SourceError(`${rel(full)}: not a plain file or folder`);
      if (st.size > limits.maxFileBytes) throw new SourceError(`${rel(full)}: ${st.size} bytes, over the limit of ${limits.maxFileBytes} for one file`, true);
      bytes += st.size;
      if (bytes > limits.maxTotalBytes) throw new SourceError(`more than ${limits.maxTotalBytes} bytes of files`, true);
      files++;
      hash.update(`${rel(full)}\0${st.size}\0`).update(await readFile(full));
    }
  };
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/') || '.';
  await visit(root, 0);
  return { sha256: hash.digest('hex'), files, bytes };
}

/**
 * The course folders of a source: the folder itself when it holds a course.yaml, else its sub-folders that do (a
 * repository of several courses, or an archive whose files are inside one top folder, as a download of a repository
 * is), looked for two levels deep.
 */
export async function findCourseDirs(root: string): Promise<string[]> {
  const hasCourse = async (dir: string) => (await lstat(path.join(dir, 'course.yaml')).catch(() => null))?.isFile() === true;
  if (await hasCourse(root)) return [root];
  const subdirs = async (dir: string) =>
    (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !IGNORED.has(e.name))
      .map((e) => path.join(dir, e.name))
      .sort();
  const level1 = await subdirs(root);
  const found: string[] = [];
  for (const d of level1) if (await hasCourse(d)) found.push(d);
  if (found.length > 0 || level1.length !== 1) return found;
  // One top folder (e.g. `course-main/` of a downloaded repository): look inside it.
  const only = level1[0]!;
  if (await hasCourse(only)) return [only];
  const level2 = await subdirs(only);
  const inner: string[] = [];
  for (const d of level2) if (await hasCourse(d)) inner.push(d);
  return inner;
}
