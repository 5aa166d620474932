import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  composeVariables,
  interpolate,
  InterpolationError,
  isRecord,
  loadConfigSchema,
  readRepoFile,
  readYamlDocuments,
  repoRoot,
  type AppName,
} from './support';

const COMPOSE = 'docker/compose.yaml';
type Service = Record<string, unknown> & { environment?: Record<string, unknown>; depends_on?: Record<string, { condition: string }> };

/** The variables an operator must set (no defaults); the checks below load the file with these. */
const REQUIRED = { POSTGRES_PASSWORD: 'pg4ss', REDIS_PASSWORD: 'r3dis' };

function load(env: Record<string, string | undefined> = REQUIRED): { services: Record<string, Service>; volumes: Record<string, unknown> } {
  const [raw] = readYamlDocuments(COMPOSE);
  const file = interpolate(raw, env);
  if (!isRecord(file) || !isRecord(file['services'])) throw new Error(`${COMPOSE}: no services`);
  return { services: file['services'] as Record<string, Service>, volumes: (file['volumes'] ?? {}) as Record<string, unknown> };
}

// The Compose Specification's JSON schema, as shipped by dclint (a compose linter). Its `$schema` spells draft-07
// with https, which Ajv knows as http: dropped, Ajv uses its own draft-07 meta-schema.
const schemaPath = join(dirname(createRequire(import.meta.url).resolve('dclint/package.json')), 'schemas/compose.schema.json');
const { $schema: _draft, ...composeSchema } = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
const compileComposeSchema = () => new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(composeSchema);

describe('compose interpolation (the part of `docker compose config` these checks rely on)', () => {
  it('applies defaults, overrides, required variables and $$ escapes', () => {
    expect(interpolate({ a: '${X:-2}', b: 'u:${P:-pw}@h', c: '$${Y}', d: '${E-}' }, { P: 'secret' })).toEqual({ a: 2, b: 'u:secret@h', c: '${Y}', d: '' });
    expect(interpolate({ a: '${X:-2}' }, { X: '5' })).toEqual({ a: 5 });
    expect(() => interpolate({ s: { a: '${NEEDED:?set it}' } }, {})).toThrow(InterpolationError);
    expect(() => interpolate({ s: { a: '${NEEDED:?set it}' } }, {})).toThrow('s.a: NEEDED is required: set it');
    expect([...composeVariables('${A:-1} $B $${C} ${D}')].sort()).toEqual(['A', 'B', 'D']);
  });
});

describe(COMPOSE, () => {
  let services: Record<string, Service>;
  let volumes: Record<string, unknown>;
  beforeAll(() => ({ services, volumes } = load()));

  it('is a valid compose file (the Compose Specification JSON schema) with defaults and with overrides', () => {
    const validate = compileComposeSchema();
    for (const env of [REQUIRED, { ...REQUIRED, EPOCH_GRADERS: '6', POSTGRES_PASSWORD: 'p4ss', EPOCH_CIFAR10: '/cifar10-source/cifar10.tar.gz' }]) {
      const [raw] = readYamlDocuments(COMPOSE);
      const ok = validate(interpolate(raw, env));
      expect(ok, JSON.stringify(validate.errors, null, 1)).toBe(true);
    }
  });

  it('the schema check catches a broken file (so the check above means something)', () => {
    const validate = compileComposeSchema();
    expect(validate({ services: { api: { image: 'x', depends_on: { db: { condition: 'when_ready' } } } } })).toBe(false);
    expect(validate({ services: { api: { image: 'x', restart_policy: 'always' } } })).toBe(false);
  });

  it('has every service of the one-host deployment', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'data', 'grader', 'grader-gpu', 'migrate', 'postgres', 'redis', 'web']);
  });

  it('keeps Postgres and Redis data in named volumes', () => {
    expect(services['postgres']!['volumes']).toContain('postgres-data:/var/lib/postgresql/data');
    expect(services['redis']!['volumes']).toContain('redis-data:/data');
    expect(Object.keys(volumes).sort()).toEqual(['epoch-data', 'postgres-data', 'redis-data']);
  });

  it('runs Redis as a queue store: append-only file, no eviction', () => {
    const cmd = (services['redis']!['command'] as string[]).join(' ');
    expect(cmd).toContain('--appendonly yes');
    expect(cmd).toContain('--maxmemory-policy noeviction');
  });

  it('migrates once before the apps start', () => {
    const s = services;
    expect(s['migrate']!['command']).toEqual(['db', 'migrate']);
    expect(s['migrate']!.depends_on?.['postgres']?.condition).toBe('service_healthy');
    for (const app of ['api', 'grader', 'grader-gpu']) expect(s[app]!.depends_on?.['migrate']?.condition, app).toBe('service_completed_successfully');
    for (const oneShot of ['migrate', 'data']) expect(s[oneShot]!['restart'], oneShot).toBe('no');
  });

  it('runs in production mode: no service seeds the demo accounts, and the API is told so', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(JSON.stringify(s['command'] ?? []), name).not.toMatch(/seed/);
      expect(s.environment?.['EPOCH_DEMO'] ?? '0', name).toBe('0');
    }
    expect(services['api']!.environment?.['EPOCH_DEMO']).toBe('0');
  });

  it('has no default passwords: Postgres and Redis passwords are required variables, refused clearly when unset', () => {
    const [raw] = readYamlDocuments(COMPOSE);
    for (const name of Object.keys(REQUIRED)) {
      const without = { ...REQUIRED, [name]: undefined };
      expect(() => interpolate(raw, without), name).toThrow(new RegExp(`${name} is required: set ${name}`));
      expect(() => interpolate(raw, { ...REQUIRED, [name]: '' }), `${name} empty`).toThrow(InterpolationError);
    }
    // Each password reaches its server and every client from the one variable.
    expect(services['postgres']!.environment?.['POSTGRES_PASSWORD']).toBe(REQUIRED.POSTGRES_PASSWORD);
    expect((services['redis']!['command'] as string[]).join(' ')).toContain(`--requirepass ${REQUIRED.REDIS_PASSWORD}`);
    expect(services['redis']!.environment?.['REDISCLI_AUTH'], 'the health check authenticates').toBe(REQUIRED.REDIS_PASSWORD);
    for (const name of ['migrate', 'data', 'api', 'grader', 'grader-gpu']) {
      const env = services[name]!.environment!;
      expect(new URL(String(env['DATABASE_URL'])).password, name).toBe(REQUIRED.POSTGRES_PASSWORD);
      expect(new URL(String(env['REDIS_URL'])).password, name).toBe(REQUIRED.REDIS_PASSWORD);
    }
    // Nothing else in the file carries a password-like default.
    expect(readRepoFile(COMPOSE)).not.toMatch(/PASSWORD:-/);
  });

  it('gives every program that touches the artifact store (plots, weights) the same folder of the shared volume', () => {
    for (const name of ['migrate', 'api', 'grader', 'grader-gpu']) {
      const s = services[name]!;
      expect(s.environment?.['EPOCH_DATA_DIR'], name).toBe('/data');
      expect(s.environment?.['EPOCH_ARTIFACT_STORE'] ?? 'fs', name).toBe('fs');
      expect(s.environment?.['EPOCH_ARTIFACT_DIR'], name).toBeUndefined();
      expect(
        (s['volumes'] as string[]).some((v) => v.startsWith('epoch-data:/data')),
        name,
      ).toBe(true);
    }
  });

  it('publishes only the web port: /metrics and the API stay inside the network', () => {
    const published = Object.entries(services).filter(([, s]) => s['ports'] !== undefined);
    expect(published.map(([name]) => name)).toEqual(['web']);
    expect(services['web']!['ports']).toEqual(['3000:3000']);
    // The API's /metrics is on its internal port, like the graders'; none of them is published.
    expect(services['api']!.environment?.['EPOCH_API_METRICS_PORT']).toBe('9464');
    for (const name of ['grader', 'grader-gpu']) expect(services[name]!.environment?.['EPOCH_GRADER_METRICS_PORT'], name).toBe('9464');
  });

  it("pins the CPU graders' wasm thread count (results repeat bit for bit only with the same count)", () => {
    expect(String(services['grader']!.environment?.['EPOCH_WASM_THREADS'])).toBe('2');
  });

  it('sets the trusted proxies: the API trusts the web proxy inside the network, the web trusts no one unless told', () => {
    expect(services['api']!.environment?.['EPOCH_TRUST_PROXY']).toBe('uniquelocal');
    expect(services['web']!.environment?.['EPOCH_WEB_TRUST_PROXY']).toBe('false');
    expect(load({ ...REQUIRED, EPOCH_WEB_TRUST_PROXY: '10.0.0.5' }).services['web']!.environment?.['EPOCH_WEB_TRUST_PROXY']).toBe('10.0.0.5');
  });

  it('has a health check on every long-running service', () => {
    for (const name of ['postgres', 'redis', 'api', 'web', 'grader', 'grader-gpu']) {
      const hc = services[name]!['healthcheck'];
      expect(isRecord(hc) && Array.isArray(hc['test']) && hc['test'].length > 1, `${name} health check`).toBe(true);
    }
    const apiCheck = (services['api']!['healthcheck'] as { test: string[] }).test.join(' ');
    expect(apiCheck).toContain('/api/health');
    const graderCheck = (services['grader']!['healthcheck'] as { test: string[] }).test.join(' ');
    expect(graderCheck).toContain(`:${String(services['grader']!.environment?.['EPOCH_GRADER_METRICS_PORT'])}/healthz`);
  });

  it('runs EPOCH_GRADERS CPU graders (2 by default) with time to hand back a job', () => {
    expect((services['grader']!['deploy'] as { replicas: number }).replicas).toBe(2);
    expect((load({ ...REQUIRED, EPOCH_GRADERS: '5' }).services['grader']!['deploy'] as { replicas: number }).replicas).toBe(5);
    expect(services['grader']!['stop_grace_period']).toBe('2m');
    expect(services['grader']!['ports'], 'replicas cannot share a host port').toBeUndefined();
  });

  it('offers a GPU grader under the gpu profile with an NVIDIA device reservation', () => {
    const gpu = services['grader-gpu']!;
    expect(gpu['profiles']).toEqual(['gpu']);
    const devices = (gpu['deploy'] as { resources: { reservations: { devices: Record<string, unknown>[] } } }).resources.reservations.devices;
    expect(devices).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    expect(gpu.environment?.['EPOCH_BACKEND']).toBe('node-gpu');
    for (const [name, s] of Object.entries(services)) if (name !== 'grader-gpu') expect(s['profiles'], name).toBeUndefined();
  });

  it('builds every image from an existing Dockerfile with the repository as context', () => {
    for (const [name, s] of Object.entries(services)) {
      const build = s['build'];
      if (!isRecord(build)) continue;
      expect(build['context'], name).toBe('..');
      expect(existsSync(join(repoRoot, String(build['dockerfile']))), `${name}: ${String(build['dockerfile'])}`).toBe(true);
    }
  });

  it("gives each app an environment its own config schema accepts, with no variable it doesn't know", async () => {
    const appsOf: Record<string, AppName> = { api: 'api', grader: 'grader', 'grader-gpu': 'grader', web: 'web', migrate: 'cli', data: 'cli' };
    for (const [service, app] of Object.entries(appsOf)) {
      const schema = await loadConfigSchema(app);
      const env = Object.fromEntries(Object.entries(services[service]!.environment ?? {}).map(([k, v]) => [k, String(v)]));
      // The data step unsets an empty EPOCH_CIFAR10 itself (see its command), as compose cannot.
      if (service === 'data' && env['EPOCH_CIFAR10'] === '') delete env['EPOCH_CIFAR10'];
      const unknown = Object.keys(env).filter((k) => !schema.keys.includes(k));
      expect(unknown, `${service}: variables its config schema (${app}) does not read`).toEqual([]);
      const r = schema.safeParse(env);
      expect(r.success, `${service}: ${JSON.stringify(r.error?.issues)}`).toBe(true);
    }
  });

  it('documents every variable it reads in docs/CONFIGURATION.md', () => {
    const doc = readRepoFile('docs/CONFIGURATION.md');
    const missing = [...composeVariables(readRepoFile(COMPOSE))].filter((v) => !doc.includes(`\`${v}\``));
    expect(missing).toEqual([]);
  });
});
