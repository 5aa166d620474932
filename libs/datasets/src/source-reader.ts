import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import {
  BINARY_FOLDER,
  BINARY_META_FILE,
  BINARY_TEST_FILE,
  BINARY_TRAIN_FILES,
  checkBinaryMeta,
  decodeBinaryBatches,
  isBinaryBatchName,
} from './binary-format';
import { CIFAR10_ENV_VAR, DatasetError, describeError } from './dataset-error';
import { imageFormatOf } from './decode-image';
import { checkClassFolder, ImageCollector, SPLIT_NAMES, type DecodedImages, type TSplitName } from './image-collector';

export type TSourceKind = 'binary-archive' | 'binary-folder' | 'images-archive' | 'images-folder';

/** A decoded source in its natural order: file order for the binary format, class by class for image folders. */
export interface DecodedSource {
  kind: TSourceKind;
  train: DecodedImages;
  test: DecodedImages;
}

type TArchiveFormat = 'tar.gz' | 'tar';

/** What a path holds, judged by its content (magic bytes), not by its name. */
export async function probeSource(path: string): Promise<{ type: 'folder' } | { type: 'archive'; format: TArchiveFormat }> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new DatasetError(`${CIFAR10_ENV_VAR} points to ${path}, which does not exist`);
  }
  if (info.isDirectory()) return { type: 'folder' };
  if (!info.isFile()) throw new DatasetError(`${path} is neither a file nor a folder`);
  const head = Buffer.alloc(512);
  const handle = await open(path, 'r');
  let read: number;
  try {
    ({ bytesRead: read } = await handle.read(head, 0, 512, 0));
  } finally {
    await handle.close();
  }
  if (read >= 2 && head[0] === 0x1f && head[1] === 0x8b) return { type: 'archive', format: 'tar.gz' };
  if (read >= 262 && head.toString('latin1', 257, 262) === 'ustar') return { type: 'archive', format: 'tar' };
  throw new DatasetError(`${path} is not a .tar.gz, .tgz or .tar archive (unknown format${read === 0 ? ': the file is empty' : ''})`);
}

/** Decodes a source; file-system failures (permissions, a file vanishing mid-read) become DatasetErrors too. */
export async function readCifar10Source(path: string, onProgress?: (msg: string) => void): Promise<DecodedSource> {
  try {
    const probe = await probeSource(path);
    return await (probe.type === 'folder' ? readFolder(path, onProgress) : readArchive(path, onProgress));
  } catch (error) {
    if (error instanceof DatasetError || !(error instanceof Error && 'code' in error)) throw error;
    throw new DatasetError(`${path} could not be read (${error.message})`, { cause: error });
  }
}

const MAX_IMAGE_FILE_BYTES = 1 << 20;
/** An official batch is 30,730,000 bytes. */
const MAX_BATCH_FILE_BYTES = 64 << 20;

/** Class-folder image path inside an archive: [...prefix/]train|test/<class>/<file>. */
const ARCHIVE_IMAGE_PATH = /(?:^|\/)(train|test)\/([^/]+)\/([^/]+)$/;

async function readArchive(path: string, onProgress?: (msg: string) => void): Promise<DecodedSource> {
  const collector = new ImageCollector(path, onProgress);
  try {
    return await readArchiveInto(path, collector, onProgress);
  } finally {
    await collector.close();
  }
}

async function readArchiveInto(path: string, collector: ImageCollector, onProgress?: (msg: string) => void): Promise<DecodedSource> {
  const batches = new Map<string, Uint8Array>();
  let meta: { where: string; text: string } | undefined;
  onProgress?.(`reading ${path}`);

  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const input = createReadStream(path);
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      input.destroy();
      reject(
        error instanceof DatasetError ? error : new DatasetError(`${path} could not be read as a tar archive (${describeError(error)})`, { cause: error }),
      );
    };
    const handle = (entry: ReadEntry): void => {
      const entryPath = entry.path;
      const name = basename(entryPath);
      const imageMatch = entry.type === 'File' ? ARCHIVE_IMAGE_PATH.exec(entryPath) : null;
      const format = imageMatch ? imageFormatOf(name) : null;
      const wanted = entry.type === 'File' && (isBinaryBatchName(name) || name === BINARY_META_FILE || format !== null);
      if (!wanted) {
        entry.resume();
        return;
      }
      // Sizes come from the archive's headers: check them before allocating.
      const limit = format ? MAX_IMAGE_FILE_BYTES : MAX_BATCH_FILE_BYTES;
      if (entry.size > limit) {
        entry.resume();
        fail(new DatasetError(`${path}: ${entryPath} has ${entry.size} bytes, far too many for ${format ? 'a 32x32 image' : 'a CIFAR-10 file'}`));
        return;
      }
      const bytes = Buffer.allocUnsafe(entry.size);
      let filled = 0;
      entry.on('data', (chunk: Buffer) => {
        chunk.copy(bytes, filled);
        filled += chunk.length;
      });
      entry.on('end', () => {
        if (failed) return;
        try {
          if (filled !== entry.size) throw new DatasetError(`${path}: ${entryPath} is truncated (${filled} of ${entry.size} bytes)`);
          const where = `${path}: ${entryPath}`;
          if (imageMatch && format) collector.add(imageMatch[1] as TSplitName, imageMatch[2] as string, name, format, bytes, where);
          else if (name === BINARY_META_FILE) meta = { where, text: bytes.toString('utf8') };
          else batches.set(name, bytes);
        } catch (error) {
          fail(error);
        }
      });
    };
    const parser = new Parser({ strict: true, onReadEntry: handle });
    parser.on('error', fail);
    parser.on('end', () => {
      if (!failed) resolve();
    });
    input.on('error', fail);
    input.pipe(parser);
  });

  if (batches.size > 0) return { kind: 'binary-archive', ...decodeBinary(path, batches, meta) };
  if (collector.count > 0) return { kind: 'images-archive', ...(await collector.finish()) };
  throw new DatasetError(`${path} holds no CIFAR-10 data (neither ${BINARY_FOLDER}/*.bin batches nor train/<class>/ and test/<class>/ images)`);
}

function decodeBinary(where: string, batches: Map<string, Uint8Array>, meta: { where: string; text: string } | undefined): Omit<DecodedSource, 'kind'> {
  const missing = [...BINARY_TRAIN_FILES, BINARY_TEST_FILE].filter((f) => !batches.has(f));
  if (missing.length > 0) throw new DatasetError(`${where} is incomplete: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`);
  if (meta) checkBinaryMeta(meta.text, meta.where);
  return {
    train: decodeBinaryBatches(BINARY_TRAIN_FILES.map((name) => ({ name: `${where}: ${name}`, bytes: batches.get(name) as Uint8Array }))),
    test: decodeBinaryBatches([{ name: `${where}: ${BINARY_TEST_FILE}`, bytes: batches.get(BINARY_TEST_FILE) as Uint8Array }]),
  };
}

async function listDir(path: string) {
  return (await readdir(path, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
}

const READ_CONCURRENCY = 32;

async function readFolder(path: string, onProgress?: (msg: string) => void): Promise<DecodedSource> {
  const binaryDir = await findBinaryFolder(path);
  if (binaryDir) {
    const batches = new Map<string, Uint8Array>();
    for (const name of [...BINARY_TRAIN_FILES, BINARY_TEST_FILE]) {
      const bytes = await readFile(join(binaryDir, name)).catch(() => undefined);
      if (bytes) batches.set(name, bytes);
    }
    const metaPath = join(binaryDir, BINARY_META_FILE);
    const metaText = await readFile(metaPath, 'utf8').catch(() => undefined);
    return { kind: 'binary-folder', ...decodeBinary(binaryDir, batches, metaText === undefined ? undefined : { where: metaPath, text: metaText }) };
  }

  const root = await findImageRoot(path);
  onProgress?.(`reading ${root}`);
  const collector = new ImageCollector(path, onProgress);
  try {
    await readImageFolderInto(root, collector);
    return { kind: 'images-folder', ...(await collector.finish()) };
  } finally {
    await collector.close();
  }
}

async function readImageFolderInto(root: string, collector: ImageCollector): Promise<void> {
  for (const split of SPLIT_NAMES) {
    const splitDir = join(root, split);
    for (const classEntry of await listDir(splitDir)) {
      if (!classEntry.isDirectory()) continue;
      checkClassFolder(split, classEntry.name, root);
      const classDir = join(splitDir, classEntry.name);
      const images = (await listDir(classDir)).flatMap((file) => {
        const format = file.isFile() ? imageFormatOf(file.name) : null;
        return format ? [{ name: file.name, format, path: join(classDir, file.name) }] : [];
      });
      // Read a few files at a time: one await per file is slow over 60,000 small files.
      for (let i = 0; i < images.length; i += READ_CONCURRENCY) {
        const group = images.slice(i, i + READ_CONCURRENCY);
        const contents = await Promise.all(group.map((image) => readFile(image.path)));
        group.forEach((image, k) => collector.add(split, classEntry.name, image.name, image.format, contents[k] as Buffer, image.path));
      }
    }
  }
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function findBinaryFolder(path: string): Promise<string | null> {
  for (const dir of [path, join(path, BINARY_FOLDER)]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    if (names.some(isBinaryBatchName)) return dir;
  }
  return null;
}

async function hasSplits(dir: string): Promise<boolean> {
  return (await isDir(join(dir, 'train'))) && (await isDir(join(dir, 'test')));
}

/** The folder holding train/ and test/: the source itself or its single top-level subfolder. */
async function findImageRoot(path: string): Promise<string> {
  if (await hasSplits(path)) return path;
  const entries = await listDir(path);
  const dirs = entries.filter((e) => e.isDirectory());
  if (dirs.length === 1 && (await hasSplits(join(path, (dirs[0] as { name: string }).name)))) return join(path, (dirs[0] as { name: string }).name);
  if (entries.length === 0) throw new DatasetError(`${path} is an empty folder`);
  const archives = entries.filter((e) => e.isFile() && /\.(tar\.gz|tgz|tar)$/i.test(e.name)).map((e) => join(path, e.name));
  const hint = archives.length > 0 ? `; did you mean the archive ${archives.join(' or ')}?` : '';
  throw new DatasetError(
    `${path} has neither ${BINARY_FOLDER}/*.bin batches nor train/ and test/ class folders (directly or inside one top-level folder)${hint}`,
  );
}
