import { availableParallelism } from 'node:os';
import { loadCifar10 } from '@epoch/datasets';
import {
  BACKEND_ORDER,
  buildModel,
  disposeModel,
  measureThroughput,
  median,
  model3Spec,
  runTorchBench,
  selectBackend,
  startTorchRounds,
  train,
  type TBackendName,
  type TImageSet,
  type TThroughput,
  type TTorchRounds,
} from '@epoch/trainer';
import type { CommandIo } from '../io';

export interface TBenchTrainOptions {
  compareTorch?: boolean;
  /** Images per timed pass (default 1024; the cpu backend uses at most 64). */
  images?: number;
  runs?: number;
  batchSize?: number;
  backends?: TBackendName[];
  /** Python interpreters to try for PyTorch (default: EPOCH_PYTHON, python3, /usr/bin/python3). */
  pythonCandidates?: string[];
}

const CPU_MAX_IMAGES = 64;
const runsText = (xs: number[]) => xs.map((v) => v.toFixed(0)).join(', ');

/** The backends `--backend` accepts. */
export const BACKEND_NAMES: readonly TBackendName[] = BACKEND_ORDER;
export function isBackendName(v: string): v is TBackendName {
  return (BACKEND_ORDER as readonly string[]).includes(v);
}

const ratiosText = (xs: number[]) => xs.map((v) => v.toFixed(2)).join(', ');

/**
 * `./epoch bench train [--compare-torch]`: model3 training and inference images/second (batch 64, warm-up, median of
 * the runs) on every backend that starts here. With --compare-torch also PyTorch CPU with the wasm backend's thread
 * count: its runs alternate with the wasm runs (one PyTorch process, warmed up, timing a training and an inference pass
 * after each wasm run), so both see the same machine load, and the ratio is the median of the per-run ratios.
 */
export async function runBenchTrainCommand(opts: TBenchTrainOptions, io: CommandIo): Promise<number> {
  const images = opts.images ?? 1024;
  const runs = opts.runs ?? 3;
  const batchSize = opts.batchSize ?? 64;
  const spec = model3Spec();
  const results: { name: TBackendName; threads: number; r: TThroughput }[] = [];
  /** PyTorch's runs, alternating with the wasm runs. */
  let torchRounds: { torch: TTorchRounds; runs: { train: number; infer: number }[] } | null = null;
  let torchMissing: string | null = null;
  io.out(`model3 (94,890 parameters), batch ${batchSize}, ${runs} timed runs after a warm-up, random data`);
  for (const name of opts.backends ?? BACKEND_ORDER) {
    let info;
    try {
      info = await selectBackend({ backend: name });
    } catch (e) {
      io.out(`${name.padEnd(8)} unavailable: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const n = name === 'cpu' ? Math.min(images, CPU_MAX_IMAGES) : images;
    let torch: TTorchRounds | null = null;
    if (opts.compareTorch && name === 'wasm') {
      const started = await startTorchRounds({ images, batchSize, threads: info.threads, candidates: opts.pythonCandidates });
      if ('reason' in started) torchMissing = started.reason;
      else torch = started;
    }
    const torchRuns: { train: number; infer: number }[] = [];
    let r: TThroughput;
    try {
      r = await measureThroughput(spec, {
        images: n,
        runs,
        batchSize,
        afterRun: torch
          ? async () => {
              torchRuns.push(await (torch as TTorchRounds).round());
            }
          : undefined,
      });
    } finally {
      torch?.close();
    }
    if (torch) torchRounds = { torch, runs: torchRuns };
    results.push({ name, threads: info.threads, r });
    io.out(
      `${name.padEnd(8)} threads ${info.threads}: train ${r.train.toFixed(1)} img/s (runs ${runsText(r.trainRuns)}), ` +
        `infer ${r.infer.toFixed(1)} img/s (runs ${runsText(r.inferRuns)}), ${n} images; ` +
        `one 45,000-image epoch ~${(45_000 / r.train / 60).toFixed(1)} min`,
    );
  }
  if (!opts.compareTorch) return results.length > 0 ? 0 : 1;
  let torchTrain = NaN;
  let torchInfer = NaN;
  if (torchRounds) {
    const { torch, runs: tr } = torchRounds;
    torchTrain = median(tr.map((t) => t.train));
    torchInfer = median(tr.map((t) => t.infer));
    io.out(
      `pytorch  threads ${torch.threads}: train ${torchTrain.toFixed(1)} img/s (runs ${runsText(tr.map((t) => t.train))}), ` +
        `infer ${torchInfer.toFixed(1)} img/s (runs ${runsText(tr.map((t) => t.infer))}), torch ${torch.version} (${torch.python}), ` +
        'each run right after the wasm run',
    );
  } else {
    if (torchMissing === null) {
      // no wasm run to alternate with: PyTorch's runs on their own, with the machine's core count
      const threads = Math.max(1, availableParallelism());
      const t = await runTorchBench({ images, batchSize, runs, threads, candidates: opts.pythonCandidates });
      if (t.available) {
        torchTrain = t.train;
        torchInfer = t.infer;
        io.out(
          `pytorch  threads ${t.threads}: train ${t.train.toFixed(1)} img/s (runs ${runsText(t.trainRuns)}), ` +
            `infer ${t.infer.toFixed(1)} img/s (runs ${runsText(t.inferRuns)}), torch ${t.version} (${t.python})`,
        );
      } else {
        torchMissing = t.reason;
      }
    }
    if (torchMissing !== null) {
      io.out(`PyTorch not available (${torchMissing}); install Debian's python3-torch to compare`);
      return results.length > 0 ? 0 : 1;
    }
  }
  for (const { name, r } of results) {
    if (torchRounds && name === 'wasm') {
      const tr = torchRounds.runs;
      const trainRatios = r.trainRuns.map((v, i) => v / (tr[i]?.train ?? NaN));
      const inferRatios = r.inferRuns.map((v, i) => v / (tr[i]?.infer ?? NaN));
      io.out(
        `ratio ${name}/pytorch: train ${median(trainRatios).toFixed(2)}x, infer ${median(inferRatios).toFixed(2)}x ` +
          `(medians of the per-run ratios: train ${ratiosText(trainRatios)}; infer ${ratiosText(inferRatios)})`,
      );
    } else {
      io.out(`ratio ${name}/pytorch: train ${(r.train / torchTrain).toFixed(2)}x, infer ${(r.infer / torchInfer).toFixed(2)}x`);
    }
  }
  return results.length > 0 ? 0 : 1;
}

export interface TBenchEpochOptions {
  limitTrain?: number;
  /** Default: loadCifar10 from EPOCH_CIFAR10 / the cache. */
  loadData?: (onProgress: (msg: string) => void) => Promise<{ train: TImageSet; validation: TImageSet }>;
}

/** `./epoch bench epoch`: one real epoch of model3 on the 45,000 training images (and validation), with memory. */
export async function runBenchEpochCommand(opts: TBenchEpochOptions, io: CommandIo): Promise<number> {
  const info = await selectBackend({ log: (l) => io.err(l) });
  const data = await (opts.loadData ?? ((onProgress) => loadCifar10({ onProgress })))((m) => io.err(`data: ${m}`));
  const built = buildModel(model3Spec(), 42);
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const r = await train(built, data, {
    epochs: 1,
    batchSize: 64,
    seed: 42,
    limitTrain: opts.limitTrain,
    everyNBatches: 50,
    onBatch: (p) => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      io.err(`batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)} acc ${(100 * p.accuracy).toFixed(1)}% ${p.imagesPerSecond.toFixed(0)} img/s`);
    },
  });
  const e = r.history[0];
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
  io.out(
    `one epoch of model3 on ${info.name} (${info.threads} threads): ${Math.min(data.train.count, opts.limitTrain ?? Infinity)} training images, ` +
      `${e?.seconds.toFixed(1)} s with validation (${r.trainImagesPerSecond.toFixed(1)} img/s training); ` +
      `loss ${e?.loss.toFixed(4)} acc ${((e?.accuracy ?? 0) * 100).toFixed(1)}% val_acc ${((e?.valAccuracy ?? 0) * 100).toFixed(1)}%; ` +
      `30 epochs ~${(((e?.seconds ?? 0) * 30) / 60).toFixed(0)} min; RSS ${mb(rssBefore)} before, peak ${mb(peakRss)}`,
  );
  disposeModel(built);
  return 0;
}
