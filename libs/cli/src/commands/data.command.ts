import { join } from 'node:path';
import { loadCliEnv, type TCliEnv } from '../config';
import type { CommandIo } from '../io';
import { dataDir } from '../paths';
import { runDataPrepare } from './data-prepare.command';

export function cifarCacheDir(): string {
  return join(dataDir(), 'cifar10');
}

/** `./epoch data prepare`: decode CIFAR-10 from EPOCH_CIFAR10 (or the official download) into the cache. */
export async function runDataPrepareCli(io: CommandIo): Promise<number> {
  const env = loadCliEnv();
  return runDataPrepare({ source: env.EPOCH_CIFAR10, cacheDir: cifarCacheDir() }, io);
}

/**
 * The data step of `./epoch up`. Without data the site still works (lessons, editor, checks), so a failure is a
 * loud warning, not a stop: grading will say the data is missing until `./epoch data prepare` succeeds.
 */
export async function prepareDataForUp(env: TCliEnv, io: CommandIo): Promise<void> {
  io.err('epoch up: preparing CIFAR-10…');
  const code = await runDataPrepare({ source: env.EPOCH_CIFAR10, cacheDir: cifarCacheDir() }, io);
  if (code !== 0) io.err('epoch up: WARNING: CIFAR-10 is not ready (see above); grading will fail until `./epoch data prepare` succeeds.');
}
