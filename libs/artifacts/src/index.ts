// @epoch/artifacts: where artifact bytes live (plots, their data, trained weights), outside Postgres. One interface,
// content-addressed: files on a (shared) folder with atomic writes, or an S3 bucket / S3-compatible service.
export { ArtifactMissingError, contentKey, describeBytes, isContentKey, type TArtifactStore, type TStoredObject } from './store';
export { FsArtifactStore } from './fs-store';
export { S3ArtifactStore, type TS3Settings } from './s3-store';
export { ARTIFACT_STORE_ENV, ArtifactStoreConfigError, createArtifactStore, type TArtifactStoreEnv } from './config';
