import { createHash } from 'node:crypto';
import { readFile, readdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCifar10, prepareCifar10, type Cifar10Options } from './cifar10';
import { DatasetError } from './dataset-error';
import { DOWNLOAD_FILE_NAME } from './download';
import { packFolder, writeBinaryDistribution } from './testing/fixtures';

let tmp: string;
let server: Server | undefined;
let requests = 0;

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'epoch-download-'));
  requests = 0;
});
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await rm(tmp, { recursive: true, force: true });
});

/** Serves `body` at /cifar-10-binary.tar.gz on 127.0.0.1 (404 elsewhere) and returns the URL. */
async function serve(body: Buffer): Promise<string> {
  server = createServer((req, res) => {
    requests++;
    if (req.url !== '/cifar-10-binary.tar.gz') {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/cifar-10-binary.tar.gz`;
}

async function tinyArchive(): Promise<Buffer> {
  await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 10, testCount: 10 });
  return readFile(await packFolder(join(tmp, 'src'), join(tmp, 'tiny.tar.gz')));
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** No EPOCH_CIFAR10 in env: the download path. */
function opts(url: string, checksum: string): Cifar10Options {
  return { cacheDir: join(tmp, 'cache'), env: {}, download: { url, md5: checksum } };
}

async function rejection(p: Promise<unknown>): Promise<DatasetError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe('downloading the official archive when EPOCH_CIFAR10 is unset', () => {
  it('downloads, verifies the checksum, keeps the archive and builds the cache from it', async () => {
    const body = await tinyArchive();
    const url = await serve(body);
    const progress: string[] = [];
    const result = await prepareCifar10({ ...opts(url, md5(body)), onProgress: (m) => progress.push(m) });
    expect(result).toMatchObject({ rebuilt: true, sourceKind: 'binary-archive', downloadedFrom: url, source: join(tmp, 'cache', DOWNLOAD_FILE_NAME) });
    expect(result.counts.train.total).toBe(45);
    expect(progress.join('\n')).toMatch(/EPOCH_CIFAR10 is not set: downloading/);
    expect(await readFile(join(tmp, 'cache', DOWNLOAD_FILE_NAME))).toEqual(body);

    // Later loads use the cache; a corrupt cache is rebuilt from the kept archive without a new download.
    expect((await loadCifar10(opts(url, md5(body)))).test.count).toBe(10);
    await rm(join(tmp, 'cache', 'images.u8'));
    expect((await prepareCifar10(opts(url, md5(body)))).rebuilt).toBe(true);
    expect(requests).toBe(1);
  });

  it('rejects a download with the wrong checksum and keeps nothing of it', async () => {
    const body = await tinyArchive();
    const url = await serve(body);
    const error = await rejection(prepareCifar10(opts(url, 'c32a1d4ab5d03f1284b67883e8d87530')));
    expect(error.problem).toMatch(new RegExp(`failed its checksum: md5 ${md5(body)}, expected c32a1d4ab5d03f1284b67883e8d87530`));
    expect(error.message).toContain('Set EPOCH_CIFAR10 to one of');
    expect(await readdir(join(tmp, 'cache'))).toEqual([]);
  });

  it('says to set EPOCH_CIFAR10 and describes the layouts when offline', async () => {
    const url = await serve(Buffer.alloc(0));
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const error = await rejection(prepareCifar10(opts(url, md5(Buffer.alloc(0)))));
    expect(error.problem).toMatch(
      /could not download http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz \(fetch failed: .*ECONNREFUSED.*\); this machine may be offline/,
    );
    expect(error.message).toMatch(/Set EPOCH_CIFAR10 to one of:[\s\S]*cifar-10-binary\.tar\.gz[\s\S]*train\/<class>\/\*\.jpg/);
  });

  it('reports an HTTP error status', async () => {
    const url = await serve(Buffer.alloc(0));
    const error = await rejection(prepareCifar10(opts(url.replace('cifar-10-binary', 'missing'), 'x')));
    expect(error.problem).toMatch(/the server answered 404/);
  });
});
