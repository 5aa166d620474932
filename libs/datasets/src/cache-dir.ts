import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ('workspaces' in (JSON.parse(readFileSync(pkg, 'utf8')) as object)) return dir;
      } catch {
        // an unreadable package.json is not the root; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Epoch's data folder: `$EPOCH_DATA_DIR`, else `<repo>/.data` (`./.data` outside the repo). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dataDir = env['EPOCH_DATA_DIR'];
  if (dataDir) return resolve(dataDir);
  return join(findRepoRoot() ?? process.cwd(), '.data');
}

/** The default cache: `<data folder>/cifar10` (see defaultDataDir). */
export function defaultCifar10CacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(defaultDataDir(env), 'cifar10');
}
