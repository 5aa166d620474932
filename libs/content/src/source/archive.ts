import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { CONTENT_LIMITS, type TContentLimits } from '../limits';
import { safeEntryPath } from './entry-path';
import { SourceError } from './source-error';

export type TArchiveKind = 'zip' | 'tar.gz';
type TLimits = Readonly<TContentLimits>;

/** The archive's format from its first bytes (a file's name can say anything). */
export function archiveKind(bytes: Buffer): TArchiveKind | null {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06)) {
    return 'zip';
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'tar.gz';
  return null;
}

/**
 * Unpacks an uploaded course archive (.zip or .tar.gz) into `dest` (an empty folder), refusing anything that is not
 * plain files and folders inside it: links, devices, absolute or `..` paths, duplicate names, more entries or bytes
 * than the limits (counted as the data is unpacked, never trusted from the headers). On a refusal `dest` may hold
 * part of the archive: the caller removes it (nothing of it reaches the database).
 */
export async function extractArchive(bytes: Buffer, dest: string, limits: TLimits = CONTENT_LIMITS): Promise<TArchiveKind> {
  if (bytes.length > limits.maxArchiveBytes) {
    throw new SourceError(`the archive is ${bytes.length} bytes, over the limit of ${limits.maxArchiveBytes} (${mib(limits.maxArchiveBytes)})`, true);
  }
  const kind = archiveKind(bytes);
  if (!kind) throw new SourceError('not a .zip or .tar.gz archive (the file starts with neither a zip nor a gzip signature)');
  const writer = new TreeWriter(dest, limits);
  if (kind === 'zip') await extractZip(bytes, writer);
  else await extractTarGz(bytes, writer, limits);
  return kind;
}

const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;

/** Writes entries under one folder, keeping the counts the limits apply to. */
class TreeWriter {
  private entries = 0;
  private total = 0;
  private readonly seen = new Set<string>();
  constructor(
    private readonly dest: string,
    private readonly limits: TLimits,
  ) {}

  count(name: string): void {
    if (++this.entries > this.limits.maxEntries) throw new SourceError(`the archive has more than ${this.limits.maxEntries} entries`, true);
    if (this.seen.has(name)) throw new SourceError(`archive entry "${name}" appears twice`);
    this.seen.add(name);
  }

  /** Adds `n` unpacked bytes of entry `name`, whose size so far is `fileBytes`. */
  grow(name: string, fileBytes: number, n: number): void {
    this.total += n;
    if (fileBytes > this.limits.maxFileBytes) {
      throw new SourceError(
        `archive entry "${name}" unpacks to more than ${this.limits.maxFileBytes} bytes (${mib(this.limits.maxFileBytes)}), the limit for one file`,
        true,
      );
    }
    if (this.total > this.limits.maxTotalBytes) {
      throw new SourceError(`the archive unpacks to more than ${this.limits.maxTotalBytes} bytes (${mib(this.limits.maxTotalBytes)})`, true);
    }
  }

  async dir(rel: string): Promise<void> {
    await mkdir(path.join(this.dest, rel), { recursive: true });
  }

  async file(rel: string, data: Buffer): Promise<void> {
    const target = path.join(this.dest, rel);
    await mkdir(path.dirname(target), { recursive: true });
    // 'wx': never through anything that already exists there.
    await writeFile(target, data, { flag: 'wx' });
  }
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

async function extractZip(bytes: Buffer, writer: TreeWriter): Promise<void> {
  let zip: ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true });
  } catch (e) {
    throw new SourceError(`not a valid zip archive (${reason(e)})`);
  }
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) return;
      const isDir = entry.fileName.endsWith('/');
      const rel = safeEntryPath(entry.fileName);
      writer.count(rel);
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === S_IFLNK) throw new SourceError(`archive entry "${rel}" is a symbolic link: course content must be plain files`);
      if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) throw new SourceError(`archive entry "${rel}" is not a plain file or folder`);
      if (isDir || mode === S_IFDIR) {
        await writer.dir(rel);
        continue;
      }
      if (entry.isEncrypted()) throw new SourceError(`archive entry "${rel}" is encrypted`);
      await writer.file(rel, await readZipEntry(zip, entry, rel, writer));
    }
  } catch (e) {
    if (e instanceof SourceError) throw e;
    // yauzl checks names itself before we see them.
    if (/relative path|absolute path/.test(reason(e)))
      throw new SourceError(`archive entry refused: ${reason(e)} (it would be written outside the course folder)`);
    throw new SourceError(`the zip archive is corrupt (${reason(e)})`);
  } finally {
    zip.close();
  }
}

function nextEntry(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: Entry) => {
      cleanup();
      resolve(e);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function readZipEntry(zip: ZipFile, entry: Entry, rel: string, writer: TreeWriter): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      writer.grow(rel, size, chunk.length);
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

async function extractTarGz(bytes: Buffer, writer: TreeWriter, limits: TLimits): Promise<void> {
  let tarBytes: Buffer;
  try {
    // Unpacked at once with a ceiling, so a gzip bomb stops at the limit instead of filling memory or disk.
    tarBytes = gunzipSync(bytes, { maxOutputLength: limits.maxTotalBytes + 1024 * 1024 });
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new SourceError(`the archive unpacks to more than ${limits.maxTotalBytes} bytes (${mib(limits.maxTotalBytes)})`, true);
    }
    throw new SourceError(`not a valid gzip file (${reason(e)})`);
  }
  const files: { rel: string; data: Buffer }[] = [];
  const dirs: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let failed: Error | null = null;
    const fail = (e: unknown) => {
      failed ??= e instanceof Error ? e : new Error(String(e));
      parser.abort(failed);
    };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (failed) return entry.resume();
        try {
          const rel = safeEntryPath(entry.path);
          writer.count(rel);
          const type: string = entry.type;
          if (type === 'Directory') {
            dirs.push(rel);
            entry.resume();
            return;
          }
          if (type === 'SymbolicLink' || type === 'Link') {
            throw new SourceError(`archive entry "${rel}" is a ${type === 'Link' ? 'hard' : 'symbolic'} link: course content must be plain files`);
          }
          if (type !== 'File' && type !== 'OldFile' && type !== 'ContiguousFile') {
            throw new SourceError(`archive entry "${rel}" is not a plain file or folder (${type})`);
          }
          const chunks: Buffer[] = [];
          let size = 0;
          entry.on('data', (chunk: Buffer) => {
            if (failed) return;
            try {
              size += chunk.length;
              writer.grow(rel, size, chunk.length);
              chunks.push(chunk);
            } catch (e) {
              fail(e);
            }
          });
          entry.on('end', () => {
            if (!failed) files.push({ rel, data: Buffer.concat(chunks) });
          });
        } catch (e) {
          entry.resume();
          fail(e);
        }
      },
    });
    parser.on('error', (e: Error) => {
      failed ??= e;
      reject(failed instanceof SourceError ? failed : new SourceError(`the tar archive is corrupt (${reason(failed)})`));
    });
    parser.on('close', () =>
      failed ? reject(failed instanceof SourceError ? failed : new SourceError(`the tar archive is corrupt (${reason(failed)})`)) : resolve(),
    );
    parser.end(tarBytes);
  });
  for (const d of dirs) await writer.dir(d);
  for (const f of files) await writer.file(f.rel, f.data);
}

function reason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim();
}
