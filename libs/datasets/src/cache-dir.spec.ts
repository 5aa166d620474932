import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCifar10CacheDir } from './cache-dir';

describe('defaultCifar10CacheDir', () => {
  it('uses EPOCH_DATA_DIR when set', () => {
    expect(defaultCifar10CacheDir({ EPOCH_DATA_DIR: '/srv/epoch-data' })).toBe('/srv/epoch-data/cifar10');
  });

  it('defaults to .data/cifar10 at the repository root', () => {
    const dir = defaultCifar10CacheDir({});
    expect(dir.endsWith(join('.data', 'cifar10'))).toBe(true);
    const root = dirname(dirname(dir));
    expect(existsSync(join(root, 'package.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).toHaveProperty('workspaces');
  });
});
