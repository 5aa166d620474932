export { main } from './main';
export { loadCliEnv, ZCliEnv, type TCliEnv, ConfigError } from './config';
export { dataDir, repoRoot } from './paths';
export * from './services';
export { seedDemo, type SeedReport } from './seed';
