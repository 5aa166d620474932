import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { isRecord, readRepoFile, repoRoot } from './support';

const IMAGES = ['api', 'web', 'grader', 'grader-gpu', 'tools'] as const;
type Image = (typeof IMAGES)[number];
const fileOf = (image: Image) => `docker/${image}.Dockerfile`;

interface Parsed {
  instructions: Instruction[];
  stages: string[];
  args: Map<string, string>;
}

function parse(image: Image): Parsed {
  const df = DockerfileParser.parse(readRepoFile(fileOf(image)));
  const args = new Map<string, string>();
  for (const a of df.getARGs()) {
    const p = a.getProperty();
    if (p?.getValue()) args.set(p.getName(), p.getValue()!);
  }
  return { instructions: df.getInstructions(), stages: df.getFROMs().map((f) => f.getBuildStage() ?? ''), args };
}

const words = (i: Instruction) => i.getArguments().map((a) => a.getValue());
const lineOf = (i: Instruction) => i.getRange().start.line + 1;

/** .dockerignore semantics (last matching pattern wins, `!` re-includes, a pattern also covers what is below it). */
function ignored(path: string): boolean {
  const patterns = readRepoFile('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  let out = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = negate ? raw.slice(1) : raw;
    const parts = path.split('/');
    const hit = parts.some((_, i) => matchesGlob(parts.slice(0, i + 1).join('/'), pattern));
    if (hit) out = !negate;
  }
  return out;
}

/** Every workspace folder (from the root package.json's `dir/*` globs) that has a package.json. */
function workspaces(): string[] {
  const globs = (JSON.parse(readRepoFile('package.json')) as { workspaces: string[] }).workspaces;
  return globs
    .flatMap((g) =>
      g.endsWith('/*')
        ? readdirSync(join(repoRoot, g.slice(0, -2)), { withFileTypes: true })
            .filter((d) => d.isDirectory())
            .map((d) => `${g.slice(0, -2)}/${d.name}`)
        : [g],
    )
    .filter((d) => existsSync(join(repoRoot, d, 'package.json')))
    .sort();
}

describe('.dockerignore', () => {
  it('keeps local state and generated files out of the build context, and the sources in', () => {
    for (const p of [
      'node_modules/x',
      'apps/api/node_modules/x',
      '.data/postgres',
      'apps/web/.next/x',
      'apps/api/dist/main.js',
      'libs/db/src/generated/client.ts',
      '.git/HEAD',
      '.env',
    ])
      expect(ignored(p), p).toBe(true);
    for (const p of [
      'package.json',
      'package-lock.json',
      'apps/api/src/main.ts',
      'prisma/schema.prisma',
      'exercises/README.md',
      'exercises/cifar10-intro/steps/01-neural-networks.md',
      'docker/hoist-workspace-deps.mjs',
      'tools/bundle-app.mjs',
    ])
      expect(ignored(p), p).toBe(false);
  });
});

for (const image of IMAGES) {
  describe(fileOf(image), () => {
    const df = parse(image);

    it('is multi-stage, from pinned base images', () => {
      expect(df.stages.length).toBeGreaterThanOrEqual(2);
      expect(df.args.get('NODE_IMAGE')).toMatch(/^node:20\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
      for (const from of df.instructions.filter((i) => i.getKeyword() === 'FROM')) {
        const ref = words(from)[0]!;
        const resolved = ref.replace(/^\$\{(\w+)\}$/, (_, n: string) => df.args.get(n) ?? df.stages.find((s) => s === n) ?? ref);
        const isStage = df.stages.includes(ref);
        expect(
          isStage || /^[\w./-]+:[\w.-]*\d[\w.-]*(@sha256:[0-9a-f]{64})?$/.test(resolved),
          `line ${lineOf(from)}: ${ref} -> ${resolved} must be a stage or a pinned image`,
        ).toBe(true);
        expect(resolved, `line ${lineOf(from)}`).not.toMatch(/:latest$/);
      }
    });

    it('copies only paths that exist in the repository and are in the build context', () => {
      for (const copy of df.instructions.filter((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD')) {
        const args = words(copy);
        const from = copy instanceof Copy ? copy.getFromFlag()?.getValue() : undefined;
        const sources = args.filter((a) => !a.startsWith('--')).slice(0, -1);
        expect(sources.length, `line ${lineOf(copy)}: COPY needs a source and a destination`).toBeGreaterThan(0);
        if (from) {
          const stage = from;
          expect(df.stages.includes(stage), `line ${lineOf(copy)}: --from=${stage} is not a stage of this file`).toBe(true);
          continue;
        }
        for (const src of sources) {
          if (src === '.') continue;
          expect(existsSync(join(repoRoot, src)), `line ${lineOf(copy)}: ${src} does not exist`).toBe(true);
          expect(ignored(src), `line ${lineOf(copy)}: ${src} is excluded by .dockerignore`).toBe(false);
        }
      }
    });

    it('copies every workspace manifest before npm ci (npm ci needs them all)', () => {
      const copied = df.instructions.filter((i) => i.getKeyword() === 'COPY').flatMap((i) => words(i).slice(0, -1));
      const missing = workspaces().filter((w) => !copied.includes(`${w}/package.json`));
      expect(missing, 'add a COPY line for each to the manifests stage').toEqual([]);
      expect(copied).toContain('package-lock.json');
    });

    it('runs as a non-root user in its final stage', () => {
      const lastFrom = df.instructions.map((i) => i.getKeyword()).lastIndexOf('FROM');
      const users = df.instructions
        .slice(lastFrom)
        .filter((i) => i.getKeyword() === 'USER')
        .map((i) => words(i)[0]);
      expect(users.length, 'USER in the final stage').toBeGreaterThan(0);
      expect(['root', '0', '0:0']).not.toContain(users.at(-1));
    });

    it('runs only npm scripts, nx targets and files that exist', () => {
      const text = df.instructions
        .filter((i) => ['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK'].includes(i.getKeyword()))
        .map((i) => i.getArgumentsContent() ?? '')
        .join('\n');
      for (const m of text.matchAll(/npm run (?:--silent )?(\S+) -w (@epoch\/[\w-]+)/g)) {
        const dir = workspaces().find((w) => (JSON.parse(readRepoFile(`${w}/package.json`)) as { name: string }).name === m[2]);
        const scripts = dir ? ((JSON.parse(readRepoFile(`${dir}/package.json`)) as { scripts?: Record<string, string> }).scripts ?? {}) : {};
        expect(Object.keys(scripts), `${m[2]} has no script ${m[1]}`).toContain(m[1]);
      }
      for (const m of text.matchAll(/nx run (@epoch\/([\w-]+)):(\w+)/g)) {
        const pkg = JSON.parse(readRepoFile(`apps/${m[2]}/package.json`)) as { name: string; scripts?: Record<string, string> };
        expect(pkg.name).toBe(m[1]);
        expect(Object.keys(pkg.scripts ?? {}), `${m[1]} has no ${m[3]} target`).toContain(m[3]);
      }
      for (const m of text.matchAll(/"((?:apps|libs)\/[\w/.-]+\.(?:js|ts))"/g)) {
        const path = m[1]!;
        const built = /^apps\/(\w[\w-]*)\/dist\/main\.js$/.exec(path);
        if (built) {
          // A bundle: it must be what the app's build script writes.
          const build = (JSON.parse(readRepoFile(`apps/${built[1]}/package.json`)) as { scripts: Record<string, string> }).scripts['build'];
          expect(build, `${path} is not produced by apps/${built[1]}'s build script`).toMatch(/bundle-app\.mjs (\S+ \S+ )*src\/main\.ts dist\/main\.js$/);
          expect(existsSync(join(repoRoot, 'tools/bundle-app.mjs'))).toBe(true);
        } else {
          expect(existsSync(join(repoRoot, path)), path).toBe(true);
        }
      }
    });

    if (image !== 'tools') {
      it('has a health check', () => {
        const hc = df.instructions.filter((i) => i.getKeyword() === 'HEALTHCHECK');
        expect(hc).toHaveLength(1);
        const expected: Record<Exclude<Image, 'tools'>, string> = { api: '/api/health', web: '127.0.0.1:3000/', grader: '/healthz', 'grader-gpu': '/healthz' };
        expect(hc[0]!.getArgumentsContent()).toContain(expected[image]);
      });
    }
  });
}

describe('the GPU grader image', () => {
  const df = parse('grader-gpu');
  const text = readRepoFile(fileOf('grader-gpu'));

  it('uses the CUDA and cuDNN that tfjs-node-gpu 4.22 was built for (libtensorflow 2.9.1: CUDA 11.2, cuDNN 8.1)', () => {
    const lock = JSON.parse(readRepoFile('package-lock.json')) as { packages: Record<string, unknown> };
    const entry = lock.packages['node_modules/@tensorflow/tfjs-node-gpu'];
    // A new tfjs-node-gpu may link another libtensorflow: revisit the CUDA image when this changes.
    expect(isRecord(entry) ? entry['version'] : undefined).toBe('4.22.0');
    expect(df.args.get('CUDA_IMAGE')).toMatch(/^nvidia\/cuda:11\.2\.\d+-cudnn8-runtime-ubuntu\d+\.\d+$/);
  });

  it('installs the native GPU package with its install script, and fails the build without it', () => {
    expect(text).toMatch(/npm rebuild @tensorflow\/tfjs-node-gpu/);
    expect(text).toMatch(/test -f node_modules\/@tensorflow\/tfjs-node-gpu\/deps\/lib\/libtensorflow\.so\.2/);
    expect(text).toMatch(/rm -rf node_modules\/@tensorflow\/tfjs-node(?!-)/);
  });
});

describe('the CPU grader image', () => {
  it('installs tfjs-node and keeps the wasm fallback when it cannot', () => {
    const text = readFileSync(join(repoRoot, fileOf('grader')), 'utf8');
    expect(text).toMatch(/npm rebuild @tensorflow\/tfjs-node /);
    expect(text).toMatch(/rm -rf node_modules\/@tensorflow\/tfjs-node-gpu/);
    const trainer = JSON.parse(readRepoFile('libs/trainer/package.json')) as { dependencies: Record<string, string> };
    expect(Object.keys(trainer.dependencies)).toContain('@tensorflow/tfjs-backend-wasm');
  });
});
