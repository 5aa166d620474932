import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { EngineAdapterFactory } from './engine-adapter';

let loading: Promise<typeof bindings> | null = null;

/** Node's WebAssembly global (the project compiles without the DOM lib, which is where TypeScript declares it). */
interface TWebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: TWebAssemblyApi }).WebAssembly;

/**
 * The engine arms a JS timer for every timeout it races (10 s for the migration advisory lock, for one) and never
 * clears it, which kept every CLI run alive for 10 s after its work was done. Unref'd timers still fire in a
 * long-lived process but no longer hold a finished one open.
 */
function withUnrefTimers(glue: typeof bindings): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const key of Object.keys(imports)) {
    if (key.startsWith('__wbg_setTimeout_')) {
      imports[key] = (fn: () => void, ms: number) => {
        const timer = setTimeout(fn, ms >>> 0);
        timer.unref();
        return timer;
      };
    }
  }
  return imports;
}

/**
 * Instantiates Prisma's schema engine (WebAssembly) once per process. The package's own entry imports the .wasm
 * as an ES module, which Node 20 cannot do; so the bytes are instantiated here against its JS glue.
 */
export function loadSchemaEngineModule(): Promise<typeof bindings> {
  loading ??= (async () => {
    const glue = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(join(dirname(glue), 'schema_engine_bg.wasm'));
    const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': withUnrefTimers(bindings) });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as () => void)();
    return bindings;
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

export interface TEngineSession {
  engine: SchemaEngine;
  adapter: EngineAdapterFactory;
  /** The engine's log lines (JSON), for error reports. */
  logs: string[];
}

/** No entity is managed outside Prisma in this project. */
export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** Runs `fn` with an engine connected to `databaseUrl` (schema files given by path and content), then frees it. */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  schemaFiles: { path: string; content: string }[],
  fn: (session: TEngineSession) => Promise<T>,
): Promise<T> {
  const mod = await loadSchemaEngineModule();
  const adapter = new EngineAdapterFactory(databaseUrl);
  const logs: string[] = [];
  let engine: SchemaEngine | undefined;
  try {
    engine = await mod.SchemaEngine.new(
      { datamodels: schemaFiles.length ? schemaFiles.map((f): [string, string] => [f.path, f.content]) : undefined },
      (line: string) => {
        logs.push(line);
      },
      bindMigrationAwareSqlAdapterFactory(adapter),
    );
    return await fn({ engine, adapter, logs });
  } finally {
    engine?.free();
    // Closing pools (and dropping a shadow database) must not hide the error that got us here.
    await adapter.disposeAll().catch(() => undefined);
  }
}
