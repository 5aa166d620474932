import { CONTENT_LIMITS } from '../limits';
import { SourceError } from './source-error';

/**
 * The relative path an archive entry may be written to, or a SourceError naming the entry: no absolute paths, drive
 * letters, backslashes, `.`/`..` segments, NUL or control characters, over-long names or deep nesting. Directories
 * come with a trailing `/`, which is dropped.
 */
export function safeEntryPath(name: string, maxDepth: number = CONTENT_LIMITS.maxDepth): string {
  const shown = JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
  const refuse = (why: string): never => {
    throw new SourceError(`archive entry ${shown}: ${why}`);
  };
  if (/[\u0000-\u001f\u007f]/.test(name)) refuse('control characters in the name');
  if (name.includes('\\')) refuse('a backslash in the name (paths use "/")');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) refuse('an absolute path');
  const segments = name
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '')
    .split('/');
  if (segments.length === 1 && segments[0] === '') refuse('an empty name');
  for (const s of segments) {
    if (s === '..') refuse('a ".." segment would write outside the course folder (path traversal)');
    if (s === '' || s === '.') refuse('an empty or "." segment');
    if (Buffer.byteLength(s) > 255) refuse('a name longer than 255 bytes');
  }
  if (segments.length > maxDepth) refuse(`nested deeper than ${maxDepth} folders`);
  return segments.join('/');
}
