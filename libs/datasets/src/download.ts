import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DatasetError, describeError } from './dataset-error';

export const CIFAR10_BINARY_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_BINARY_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
export const DOWNLOAD_FILE_NAME = 'cifar-10-binary.tar.gz';

export interface DownloadOptions {
  /** Injectable for tests (a local server); defaults to the official archive. */
  url?: string;
  md5?: string;
  /** Abort when no byte arrives for this long. */
  stallTimeoutMs?: number;
}

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${describeError(error)}${cause}`;
}

/**
 * Downloads the official binary archive into `dir` (verifying its md5) and returns its path. An archive already
 * there with the right checksum is reused; a partial download never takes the final name.
 */
export async function downloadCifar10Binary(dir: string, opts: DownloadOptions = {}, onProgress?: (msg: string) => void): Promise<string> {
  const url = opts.url ?? CIFAR10_BINARY_URL;
  const expected = (opts.md5 ?? CIFAR10_BINARY_MD5).toLowerCase();
  const target = join(dir, DOWNLOAD_FILE_NAME);
  if (
    await stat(target).then(
      (s) => s.isFile(),
      () => false,
    )
  ) {
    if ((await md5OfFile(target)) === expected) return target;
    await rm(target, { force: true });
  }
  await mkdir(dir, { recursive: true });
  onProgress?.(`downloading ${url}`);

  const controller = new AbortController();
  const stallMs = opts.stallTimeoutMs ?? 60_000;
  let timer = setTimeout(() => controller.abort(), stallMs);
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), stallMs);
  };
  const partial = `${target}.${process.pid}.part`;
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (error) {
      throw new DatasetError(`could not download ${url} (${causeOf(error)}); this machine may be offline`, { cause: error });
    }
    if (!response.ok || !response.body) throw new DatasetError(`could not download ${url}: the server answered ${response.status} ${response.statusText}`);
    const total = Number(response.headers.get('content-length') ?? 0);
    const hash = createHash('md5');
    const file = await open(partial, 'w');
    let received = 0;
    let nextReport = 0.1;
    try {
      // Through node:stream, so the loop type-checks the same whether or not a project also loads the DOM types.
      for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>) as AsyncIterable<Buffer>) {
        poke();
        hash.update(chunk);
        await file.write(chunk);
        received += chunk.length;
        if (total > 0 && received / total >= nextReport) {
          onProgress?.(`downloaded ${Math.round((100 * received) / total)}% of ${(total / 1e6).toFixed(0)} MB`);
          nextReport += 0.1;
        }
      }
    } catch (error) {
      throw new DatasetError(`the download of ${url} broke off after ${received} bytes (${causeOf(error)})`, { cause: error });
    } finally {
      await file.close();
    }
    const actual = hash.digest('hex');
    if (actual !== expected) {
      throw new DatasetError(`the download of ${url} failed its checksum: md5 ${actual}, expected ${expected} (${received} bytes received)`);
    }
    await rename(partial, target);
    return target;
  } finally {
    clearTimeout(timer);
    await rm(partial, { force: true });
  }
}
