import { DatasetError, prepareCifar10, type PrepareResult } from '@epoch/datasets';
import type { CommandIo } from '../io';

function table(result: PrepareResult): string {
  const { train, validation, test } = result.counts;
  const row = (name: string, a: number, b: number, c: number) =>
    `  ${name.padEnd(12)}${String(a).padStart(8)}${String(b).padStart(12)}${String(c).padStart(8)}${String(a + b + c).padStart(8)}`;
  return [
    `  ${'class'.padEnd(12)}${'train'.padStart(8)}${'validation'.padStart(12)}${'test'.padStart(8)}${'all'.padStart(8)}`,
    ...Object.keys(train.perClass).map((name) => row(name, train.perClass[name] ?? 0, validation.perClass[name] ?? 0, test.perClass[name] ?? 0)),
    row('total', train.total, validation.total, test.total),
  ].join('\n');
}

/**
 * `./epoch data prepare`: builds (or verifies) the CIFAR-10 cache and prints the images per class and split.
 * Bad data prints the DatasetError's message (what is wrong, EPOCH_CIFAR10 and the accepted layouts) and exits 1.
 */
export async function runDataPrepare(opts: { source?: string; cacheDir: string }, io: CommandIo): Promise<number> {
  try {
    const result = await prepareCifar10({ source: opts.source, cacheDir: opts.cacheDir, onProgress: (m) => io.err(`  ${m}`) });
    const how = result.rebuilt ? `decoded and cached in ${result.seconds.toFixed(1)} s (${result.reason})` : `cache verified in ${result.seconds.toFixed(2)} s`;
    io.out(`CIFAR-10 is ready in ${result.cacheDir}: ${how}`);
    io.out(`  source: ${result.source} (${result.sourceKind}${result.downloadedFrom ? `, downloaded from ${result.downloadedFrom}` : ''})`);
    io.out(`  split: validation = every 10th training image; training = the others\n${table(result)}`);
    return 0;
  } catch (error) {
    if (error instanceof DatasetError) io.err(error.message);
    else io.err(`epoch data prepare: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
