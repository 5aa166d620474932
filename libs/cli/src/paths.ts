import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file whose package.json declares workspaces. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && 'workspaces' in (JSON.parse(readFileSync(pkg, 'utf8')) as object)) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('epoch: cannot find the repository root (a package.json with workspaces)');
    dir = parent;
  }
}

/** Where Epoch keeps its own services' files, caches and logs: `.data/` unless EPOCH_DATA_DIR says otherwise. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env['EPOCH_DATA_DIR'] ?? join(repoRoot(), '.data'));
}
