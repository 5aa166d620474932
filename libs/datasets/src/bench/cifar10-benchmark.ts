/**
 * Prints how long a full prepare (decode + cache write) and a cached load take.
 *   EPOCH_CIFAR10=/work/shared/datasets/cifar10-jpeg.tar.gz npx tsx src/bench/cifar10-benchmark.ts [cacheDir]
 * Without a cacheDir argument a temporary folder is used and removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCifar10, prepareCifar10 } from '../index';

async function main(): Promise<void> {
  const given = process.argv[2];
  const cacheDir = given ?? (await mkdtemp(join(tmpdir(), 'epoch-cifar10-bench-')));
  try {
    const prepared = await prepareCifar10({ cacheDir, force: true, onProgress: (m) => console.error(`  ${m}`) });
    console.log(`prepare (${prepared.sourceKind}, ${prepared.source}): ${prepared.seconds.toFixed(2)} s`);
    console.log(`counts: train ${prepared.counts.train.total}, validation ${prepared.counts.validation.total}, test ${prepared.counts.test.total}`);
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const split = await loadCifar10({ cacheDir });
      console.log(`cached load #${i + 1}: ${(performance.now() - t).toFixed(0)} ms (${split.train.count}/${split.validation.count}/${split.test.count})`);
    }
    console.log(`heap used ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  } finally {
    if (!given) await rm(cacheDir, { recursive: true, force: true });
  }
}

await main();
