import { z } from 'zod';
import { ARTIFACT_STORE_ENV, ArtifactStoreConfigError, createArtifactStore, type TArtifactStore } from '@epoch/artifacts';

const port = z.coerce.number().int().min(1).max(65535);

/** The CLI's environment, validated once. Every variable is documented in the README's configuration table. */
export const ZCliEnv = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  EPOCH_DATA_DIR: z.string().min(1).optional(),
  EPOCH_CIFAR10: z.string().min(1).optional(),
  EPOCH_PG_PORT: port.default(54329),
  EPOCH_REDIS_PORT: port.default(63799),
  EPOCH_WEB_PORT: port.default(3000),
  /** The grading queues' Redis key prefix (the API's and graders' EPOCH_QUEUE_PREFIX): `./epoch calibrate` queues there. */
  EPOCH_QUEUE_PREFIX: z.string().min(1).default('bull'),
  EPOCH_API_PORT: port.default(3001),
  /** Where artifact bytes live (db migrate moves old ones there; artifacts retention cleans it). */
  ...ARTIFACT_STORE_ENV,
  /** Days the weights of submissions that do not count are kept (`./epoch artifacts retention`). */
  EPOCH_ARTIFACT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** `./epoch up`: 1 (default) runs the demo (demo course and accounts); 0 is production mode (see docs/OPERATIONS.md). */
  EPOCH_DEMO: z
    .enum(['0', '1', 'true', 'false'], { message: 'must be 1 (demo, the default) or 0 (production mode)' })
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  /** Private key file of the read-only deploy key for `content sync` from ssh git URLs (default: your ssh setup). */
  EPOCH_GIT_SSH_KEY: z.string().min(1).optional(),
  /** known_hosts file for those ssh URLs (default: hosts are accepted the first time and remembered). */
  EPOCH_GIT_KNOWN_HOSTS: z.string().min(1).optional(),
});
export type TCliEnv = z.infer<typeof ZCliEnv>;

export class ConfigError extends Error {}

/** Parses the environment; a bad value becomes one readable message per variable (never a stack trace). */
export function loadCliEnv(env: NodeJS.ProcessEnv = process.env): TCliEnv {
  const r = ZCliEnv.safeParse(env);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** The configured artifact store (the `fs` store under the data folder by default); a bad setting is a ConfigError. */
export function artifactStoreOf(env: TCliEnv, dataDir: string): TArtifactStore {
  try {
    return createArtifactStore(env, dataDir);
  } catch (e) {
    if (e instanceof ArtifactStoreConfigError) throw new ConfigError(`invalid configuration:\n  ${e.message}`);
    throw e;
  }
}
