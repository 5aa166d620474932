import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBinaryDistribution } from '@epoch/datasets/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDataPrepare } from './data-prepare.command';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'epoch-data-prepare-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out: () => out.join('\n'), err: () => err.join('\n') };
}

describe('epoch data prepare', () => {
  it('prepares the cache and prints the images per class and split', async () => {
    await writeBinaryDistribution(join(tmp, 'src'), { perBatch: 20, testCount: 10 });
    const first = capture();
    expect(await runDataPrepare({ source: join(tmp, 'src'), cacheDir: join(tmp, 'cache') }, first.io)).toBe(0);
    expect(first.out()).toMatch(/CIFAR-10 is ready in .*cache: decoded and cached/);
    expect(first.out()).toMatch(/class\s+train\s+validation\s+test\s+all/);
    expect(first.out()).toMatch(/\n\s+airplane\s+\d+\s+\d+\s+\d+\s+\d+/);
    expect(first.out()).toMatch(/\n\s+truck\s+\d+\s+\d+\s+\d+\s+\d+/);
    expect(first.out()).toMatch(/\n\s+total\s+90\s+10\s+10\s+110/);
    expect(first.err()).toMatch(/building the CIFAR-10 cache/);

    const second = capture();
    expect(await runDataPrepare({ source: join(tmp, 'src'), cacheDir: join(tmp, 'cache') }, second.io)).toBe(0);
    expect(second.out()).toMatch(/cache verified in/);
  });

  it('prints a clear message without a stack trace and exits 1 on bad data', async () => {
    await writeFile(join(tmp, 'junk.tar.gz'), 'definitely not an archive');
    const c = capture();
    expect(await runDataPrepare({ source: join(tmp, 'junk.tar.gz'), cacheDir: join(tmp, 'cache') }, c.io)).toBe(1);
    expect(c.err()).toMatch(/junk\.tar\.gz is not a \.tar\.gz, \.tgz or \.tar archive/);
    expect(c.err()).toMatch(/Set EPOCH_CIFAR10 to one of/);
    expect(c.err()).not.toMatch(/\n\s+at /);
    expect(c.out()).toBe('');

    const missing = capture();
    expect(await runDataPrepare({ source: join(tmp, 'nowhere'), cacheDir: join(tmp, 'cache') }, missing.io)).toBe(1);
    expect(missing.err()).toMatch(/EPOCH_CIFAR10 points to .*nowhere, which does not exist/);
  });
});
