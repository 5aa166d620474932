// Bundles a Node app (api, grader) into dist/main.js: Epoch's own workspace code (@epoch/*, TypeScript sources)
// is compiled in; every other package stays an import resolved from node_modules at run time.
import { build } from 'esbuild';

const [entry = 'src/main.ts', outfile = 'dist/main.js'] = process.argv.slice(2);

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [{
    name: 'externalize-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@epoch/') ? undefined : { path: args.path, external: true }));
    },
  }],
});
