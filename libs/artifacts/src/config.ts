import { join } from 'node:path';
import { z } from 'zod';
import { FsArtifactStore } from './fs-store';
import { S3ArtifactStore } from './s3-store';
import type { TArtifactStore } from './store';

/**
 * The artifact store's variables, the same for every program that reads or writes artifacts (API, grader, CLI):
 * spread into each one's configuration schema, so each validates them at boot.
 */
export const ARTIFACT_STORE_ENV = {
  /** `fs`: files under EPOCH_ARTIFACT_DIR (one host, or a shared volume); `s3`: an S3 bucket or S3-compatible service. */
  EPOCH_ARTIFACT_STORE: z.enum(['fs', 's3']).default('fs'),
  /** The `fs` store's folder; default `<EPOCH_DATA_DIR>/artifacts`. */
  EPOCH_ARTIFACT_DIR: z.string().min(1).optional(),
  EPOCH_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)')
    .optional(),
  EPOCH_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  EPOCH_S3_REGION: z.string().min(1).default('us-east-1'),
  EPOCH_S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9._-]+\/)*$/, 'empty, or folder names each ending in /, e.g. epoch/')
    .default(''),
  EPOCH_S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
};

/** The variables above as one schema (each program spreads ARTIFACT_STORE_ENV into its own). */
export const ZArtifactStoreEnv = z.object(ARTIFACT_STORE_ENV);
export type TArtifactStoreEnv = z.output<typeof ZArtifactStoreEnv>;

export class ArtifactStoreConfigError extends Error {}

/**
 * The configured store. `dataDir` is the program's data folder (the `fs` store's default parent). S3 needs a bucket:
 * a missing one stops the program with a message naming the variable.
 */
export function createArtifactStore(env: TArtifactStoreEnv, dataDir: string): TArtifactStore {
  if (env.EPOCH_ARTIFACT_STORE === 'fs') return new FsArtifactStore(env.EPOCH_ARTIFACT_DIR ?? join(dataDir, 'artifacts'));
  if (!env.EPOCH_S3_BUCKET) throw new ArtifactStoreConfigError('EPOCH_S3_BUCKET: required when EPOCH_ARTIFACT_STORE=s3');
  return new S3ArtifactStore({
    bucket: env.EPOCH_S3_BUCKET,
    prefix: env.EPOCH_S3_PREFIX,
    region: env.EPOCH_S3_REGION,
    endpoint: env.EPOCH_S3_ENDPOINT,
    forcePathStyle: env.EPOCH_S3_FORCE_PATH_STYLE,
  });
}
