// Bundles a Node app (api, grader) into dist/main.js: Epoch's own workspace code (@epoch/*, TypeScript sources)
// is compiled in; every other package stays an import resolved from node_modules at run time. More `entry outfile`
// pairs may come first (the grader's training child, dist/train-child.js, which dist/main.js forks).
// Plain-JS worker scripts that bundled code starts with `new Worker(new URL('./x.mjs', import.meta.url))` are
// copied beside the bundle, where that URL then points, with the .mjs modules they import: every .mjs file of a
// folder that the bundle has sources from (so worker scripts and their modules have names unique across folders).
import { copyFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const args = process.argv.slice(2);
if (args.length % 2 !== 0) throw new Error('usage: bundle-app.mjs [entry outfile]... (pairs)');
const pairs = args.length ? Array.from({ length: args.length / 2 }, (_, i) => [args[2 * i], args[2 * i + 1]]) : [['src/main.ts', 'dist/main.js']];
const outdir = dirname(pairs[0][1]);
if (pairs.some(([, out]) => dirname(out) !== outdir)) throw new Error('bundle-app.mjs: every outfile must be in the same folder');

const result = await build({
  entryPoints: pairs.map(([entry, out]) => ({ in: entry, out: basename(out).replace(/\.js$/, '') })),
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'externalize-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@epoch/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
});

const sourceDirs = new Set(Object.keys(result.metafile.inputs).map((f) => dirname(resolve(f))));
const copied = new Set();
for (const dir of sourceDirs) {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.mjs'))) {
    if (copied.has(name)) throw new Error(`two worker scripts named ${name}: rename one`);
    copied.add(name);
    copyFileSync(join(dir, name), join(outdir, basename(name)));
  }
}
