/** The variable that selects the CIFAR-10 source. */
export const CIFAR10_ENV_VAR = 'EPOCH_CIFAR10';

/** What EPOCH_CIFAR10 may point at; every DatasetError ends with it so a user can fix the data without reading code. */
export const CIFAR10_EXPECTED_LAYOUTS = [
  `Set ${CIFAR10_ENV_VAR} to one of:`,
  '  (a) the official binary distribution cifar-10-binary.tar.gz, or the folder extracted from it',
  '      (cifar-10-batches-bin/data_batch_1.bin .. data_batch_5.bin, test_batch.bin, batches.meta.txt;',
  '      each record = 1 label byte + 3072 pixel bytes, planar R, G, B, 32x32);',
  '  (b) an archive (.tar.gz, .tgz, .tar) or a folder of 32x32 images, one folder per class:',
  '      train/<class>/*.jpg|*.png and test/<class>/*.jpg|*.png, optionally inside one top-level folder,',
  '      with the classes airplane automobile bird cat deer dog frog horse ship truck.',
  `Leave ${CIFAR10_ENV_VAR} unset to download the official archive (needs internet access).`,
].join('\n');

/**
 * Bad or missing CIFAR-10 data. The message says what is wrong and where, then names EPOCH_CIFAR10 and the
 * accepted layouts; callers print `message` alone (no stack trace).
 */
export class DatasetError extends Error {
  /** The problem alone, without the layout help. */
  readonly problem: string;

  constructor(problem: string, options?: { cause?: unknown }) {
    super(`CIFAR-10: ${problem}\n${CIFAR10_EXPECTED_LAYOUTS}`, options);
    this.name = 'DatasetError';
    this.problem = problem;
  }
}

/** The message of anything thrown, for wrapping third-party errors into a DatasetError. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
