import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository's `exercises/` folder, found upwards from this file (works from src/ and from dist/). */
function defaultContentDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dirname(dir) !== dir && !existsSync(join(dir, 'exercises'))) dir = dirname(dir);
  return join(dir, 'exercises');
}

/** The API's environment, validated once at boot (see the README's configuration table). */
export const ZApiConfig = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  EPOCH_API_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  EPOCH_API_HOST: z.string().min(1).default('127.0.0.1'),
  /** Course content folder (figures referenced by lesson steps are served from here). */
  EPOCH_CONTENT_DIR: z.string().min(1).default(defaultContentDir),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type TApiConfig = z.infer<typeof ZApiConfig>;

export class ApiConfigError extends Error {}

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): TApiConfig {
  const r = ZApiConfig.safeParse(env);
  if (r.success) return r.data;
  throw new ApiConfigError(`api: invalid configuration:\n${r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
}

/** Injection tokens (explicit, so the API does not rely on emitted decorator metadata). */
export const API_CONFIG = Symbol('API_CONFIG');
export const PRISMA = Symbol('PRISMA');
export const REDIS = Symbol('REDIS');
