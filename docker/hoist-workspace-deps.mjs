#!/usr/bin/env node
// Usage: node docker/hoist-workspace-deps.mjs <root> <app-dir>     (e.g. /app apps/api)
//
// tools/bundle-app.mjs compiles Epoch's workspace libraries into the app's dist/main.js but leaves their npm
// packages as imports, which Node then resolves from the app's folder upwards. When npm had to nest a library's
// dependency (libs/db/node_modules/yaml@2 because another package wants yaml@1 at the root), the bundle cannot
// see it and would load the wrong version or none. This copies every package nested under a workspace library
// that the app depends on (transitively) into <app-dir>/node_modules, unless the app already has its own.
// Two libraries nesting different versions of one package is a conflict the bundle cannot serve: it stops.
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Workspace folder of every @epoch/* package, from the root package.json's workspaces globs (`dir/*` only). */
function workspaceDirs(root) {
  const byName = new Map();
  for (const pattern of readJson(join(root, 'package.json')).workspaces ?? []) {
    const base = pattern.endsWith('/*') ? [pattern.slice(0, -2)] : null;
    const dirs = base
      ? readdirSync(join(root, base[0]), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(base[0], d.name))
      : [pattern];
    for (const dir of dirs) {
      const manifest = join(root, dir, 'package.json');
      if (existsSync(manifest)) byName.set(readJson(manifest).name, dir);
    }
  }
  return byName;
}

/** The workspace libraries the app depends on, transitively. */
function libraryClosure(root, appDir, byName) {
  const seen = new Set();
  const queue = [appDir];
  while (queue.length > 0) {
    const dir = queue.shift();
    const deps = readJson(join(root, dir, 'package.json')).dependencies ?? {};
    for (const name of Object.keys(deps)) {
      const lib = byName.get(name);
      if (lib && lib !== appDir && !seen.has(lib)) {
        seen.add(lib);
        queue.push(lib);
      }
    }
  }
  return [...seen].sort();
}

/** Top-level package folders in a node_modules folder (`name` and `@scope/name`), without npm's bookkeeping. */
function packagesIn(nodeModules) {
  if (!existsSync(nodeModules)) return [];
  const names = [];
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) {
      for (const sub of readdirSync(join(nodeModules, entry.name), { withFileTypes: true })) names.push(`${entry.name}/${sub.name}`);
    } else {
      names.push(entry.name);
    }
  }
  return names;
}

export function hoistWorkspaceDeps(root, appDir) {
  if (!existsSync(join(root, appDir, 'package.json'))) throw new Error(`hoist-workspace-deps: no package.json in ${join(root, appDir)}`);
  const byName = workspaceDirs(root);
  const target = join(root, appDir, 'node_modules');
  const own = new Set(packagesIn(target));
  const chosen = new Map(); // package name -> { lib, version }
  for (const lib of libraryClosure(root, appDir, byName)) {
    for (const name of packagesIn(join(root, lib, 'node_modules'))) {
      if (own.has(name)) continue;
      const manifest = join(root, lib, 'node_modules', name, 'package.json');
      const version = existsSync(manifest) ? readJson(manifest).version : undefined;
      const previous = chosen.get(name);
      if (previous && previous.version !== version) {
        throw new Error(
          `hoist-workspace-deps: ${previous.lib} and ${lib} need different versions of ${name} (${previous.version} and ${version}); the bundle of ${appDir} can load only one`,
        );
      }
      if (!previous) chosen.set(name, { lib, version });
    }
  }
  for (const [name, { lib }] of chosen) cpSync(join(root, lib, 'node_modules', name), join(target, name), { recursive: true, verbatimSymlinks: true });
  return [...chosen].map(([name, { lib, version }]) => ({ name, from: lib, version }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [root, appDir] = process.argv.slice(2);
  if (!root || !appDir) {
    process.stderr.write('usage: node hoist-workspace-deps.mjs <root> <app-dir>\n');
    process.exit(2);
  }
  try {
    for (const h of hoistWorkspaceDeps(root, appDir))
      process.stdout.write(`hoisted ${h.name}@${h.version ?? '?'} from ${h.from} into ${appDir}/node_modules\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
