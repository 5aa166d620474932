import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The repository root (the package.json with workspaces above this folder). */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && 'workspaces' in (JSON.parse(readFileSync(pkg, 'utf8')) as object)) return dir;
    if (dirname(dir) === dir) throw new Error('deploy tests: cannot find the repository root');
    dir = dirname(dir);
  }
})();

export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

/** Every YAML document of a file, parsed with merge keys (`<<`); a syntax error fails with the file and line. */
export function readYamlDocuments(path: string): unknown[] {
  const docs = parseAllDocuments(readRepoFile(path), { merge: true, prettyErrors: true });
  if (!Array.isArray(docs)) return [];
  return docs
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${path}: ${d.errors.map((e) => e.message).join('\n')}`);
      return d.toJS({ maxAliasCount: 1000 }) as unknown;
    })
    .filter((d) => d !== null && d !== undefined);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`, and `$$` for a dollar. */
const PLACEHOLDER = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variables a compose file reads from the environment, by name. */
export function composeVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? m[4];
    if (name) names.add(name);
  }
  return names;
}

export class InterpolationError extends Error {}

function interpolateString(s: string, env: Record<string, string | undefined>, where: string): string | number {
  const whole = /^\$\{[^}]+\}$/.test(s);
  const out = s.replace(PLACEHOLDER, (all, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (all === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    switch (op) {
      case ':-':
        return value === undefined || value === '' ? arg! : value;
      case '-':
        return value === undefined ? arg! : value;
      case ':?':
      case '?':
        if (value === undefined || (op === ':?' && value === '')) throw new InterpolationError(`${where}: ${name} is required: ${arg}`);
        return value;
      case undefined:
      default:
        return value ?? '';
    }
  });
  // Compose casts a value that was a single placeholder to the type its schema wants; numbers are the case we use.
  return whole && /^\d+$/.test(out) ? Number(out) : out;
}

/** Compose's variable interpolation over a parsed file (what `docker compose config` does before validating). */
export function interpolate(value: unknown, env: Record<string, string | undefined>, where = ''): unknown {
  if (typeof value === 'string') return interpolateString(value, env, where);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${where}[${i}]`));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, where ? `${where}.${k}` : k)]));
  return value;
}

export type AppName = 'api' | 'grader' | 'web' | 'cli';

/** Where each app's zod config schema lives, and its export name. */
export const CONFIG_SCHEMAS: Record<AppName, { file: string; exportName: string }> = {
  api: { file: 'apps/api/src/config.ts', exportName: 'ZApiConfig' },
  grader: { file: 'apps/grader/src/config.ts', exportName: 'ZGraderConfig' },
  web: { file: 'apps/web/lib/config.ts', exportName: 'ZWebConfig' },
  cli: { file: 'libs/cli/src/config.ts', exportName: 'ZCliEnv' },
};

export interface ConfigSchema {
  keys: string[];
  safeParse(env: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
}

/**
 * An app's zod config schema, loaded from its source at run time (apps export nothing as packages), so that a
 * variable added to a schema shows up here without changing the tests.
 */
export async function loadConfigSchema(app: AppName): Promise<ConfigSchema> {
  const { file, exportName } = CONFIG_SCHEMAS[app];
  const mod = (await import(pathToFileURL(join(repoRoot, file)).href)) as Record<string, unknown>;
  const schema = mod[exportName];
  if (!isRecord(schema) && typeof schema !== 'object') throw new Error(`${file} does not export ${exportName}`);
  const shape = (schema as { shape?: unknown }).shape;
  const safeParse = (schema as { safeParse?: unknown }).safeParse;
  if (!isRecord(shape) || typeof safeParse !== 'function') throw new Error(`${file}: ${exportName} is not a zod object schema`);
  return { keys: Object.keys(shape).sort(), safeParse: (env) => (safeParse as ConfigSchema['safeParse']).call(schema, env) };
}
