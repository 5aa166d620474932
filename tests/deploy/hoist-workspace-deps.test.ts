import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './support';

const SCRIPT = join(repoRoot, 'docker/hoist-workspace-deps.mjs');
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function write(root: string, path: string, value: unknown): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), JSON.stringify(value));
}

/** A workspace shaped like the image's /app after `npm ci -w @epoch/api`: the API depends on db, db on contracts. */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'epoch-hoist-'));
  roots.push(root);
  write(root, 'package.json', { name: 'root', workspaces: ['apps/*', 'libs/*'] });
  write(root, 'apps/api/package.json', { name: '@epoch/api', dependencies: { '@epoch/db': '*', cookie: '^2' } });
  write(root, 'apps/api/node_modules/cookie/package.json', { name: 'cookie', version: '2.0.2' });
  write(root, 'libs/db/package.json', { name: '@epoch/db', dependencies: { '@epoch/contracts': '*', yaml: '^2' } });
  write(root, 'libs/db/node_modules/yaml/package.json', { name: 'yaml', version: '2.9.1' });
  write(root, 'libs/db/node_modules/@scope/pkg/package.json', { name: '@scope/pkg', version: '1.0.0' });
  write(root, 'libs/db/node_modules/cookie/package.json', { name: 'cookie', version: '0.7.2' });
  write(root, 'libs/contracts/package.json', { name: '@epoch/contracts' });
  write(root, 'libs/unrelated/package.json', { name: '@epoch/unrelated' });
  write(root, 'libs/unrelated/node_modules/left-pad/package.json', { name: 'left-pad', version: '1.0.0' });
  return root;
}

const run = (root: string, app: string) => spawnSync(process.execPath, [SCRIPT, root, app], { encoding: 'utf8' });
const versionAt = (root: string, path: string) => (JSON.parse(readFileSync(join(root, path, 'package.json'), 'utf8')) as { version: string }).version;

describe('docker/hoist-workspace-deps.mjs', () => {
  it("copies the packages nested under the app's workspace libraries next to its bundle", () => {
    const root = workspace();
    const r = run(root, 'apps/api');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('hoisted yaml@2.9.1 from libs/db into apps/api/node_modules');
    expect(versionAt(root, 'apps/api/node_modules/yaml')).toBe('2.9.1');
    expect(versionAt(root, 'apps/api/node_modules/@scope/pkg')).toBe('1.0.0');
    // The app's own version wins; libraries the app does not use are left alone.
    expect(versionAt(root, 'apps/api/node_modules/cookie')).toBe('2.0.2');
    expect(existsSync(join(root, 'apps/api/node_modules/left-pad'))).toBe(false);
  });

  it('stops with a clear message when two libraries nest different versions of one package', () => {
    const root = workspace();
    write(root, 'libs/contracts/node_modules/yaml/package.json', { name: 'yaml', version: '1.10.3' });
    const r = run(root, 'apps/api');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('libs/contracts and libs/db need different versions of yaml (1.10.3 and 2.9.1)');
  });

  it('says what is wrong with its arguments', () => {
    expect(run(workspace(), 'apps/nope').stderr).toMatch(/no package\.json in .*apps\/nope/);
    const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([2, 'usage: node hoist-workspace-deps.mjs <root> <app-dir>\n']);
  });
});
