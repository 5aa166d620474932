import type { TModelSpec } from '@epoch/contracts';
import { buildModel, disposeModel } from '../model/build-model';
import { predictInBatches } from '../evaluate/loss-accuracy';
import { train } from '../train/train';
import type { TImageSet } from '../train/image-batches';
import { randomFloats } from '../testing/compare-backends';

export interface TThroughputOptions {
  images?: number;
  batchSize?: number;
  runs?: number;
  seed?: number;
  /** Called after each run's training and inference passes (e.g. to time another engine in between). */
  afterRun?: (run: number) => Promise<void>;
}

export interface TThroughput {
  images: number;
  batchSize: number;
  /** Median over the runs, images per second. */
  train: number;
  infer: number;
  trainRuns: number[];
  inferRuns: number[];
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Random uint8 images of the spec's input shape, labels cycling through the classes. */
export function randomImageSet(spec: TModelSpec, count: number, seed: number, classes = 10): TImageSet {
  const [height = 1, width = 1, channels = 1] = spec.inputShape;
  const images = Uint8Array.from(randomFloats(count * height * width * channels, seed, 0, 256), (v) => Math.floor(v));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % classes);
  return { images, labels, count, height, width, channels };
}

/**
 * Training and inference images/second of a spec on the current backend, through the real training loop (batches
 * made from uint8 on the fly, trainOnBatch) and the real evaluation path: a warm-up, then the median of `runs` runs of
 * one training and one inference pass each.
 */
export async function measureThroughput(spec: TModelSpec, opts: TThroughputOptions = {}): Promise<TThroughput> {
  const images = opts.images ?? 1024;
  const batchSize = opts.batchSize ?? 64;
  const runs = opts.runs ?? 3;
  const seed = opts.seed ?? 1;
  const set = randomImageSet(spec, images, seed);
  const built = buildModel(spec, seed);
  try {
    const noop = () => undefined;
    // Warm-up: a whole pass of each, so that the engine's JIT has tiered up the wasm kernels (the first pass of the
    // native kernels runs 20-25% slower on V8's baseline code).
    await train(built, { train: set }, { epochs: 1, batchSize, seed });
    await predictInBatches(built, set, batchSize, noop);
    const trainRuns: number[] = [];
    const inferRuns: number[] = [];
    for (let r = 0; r < runs; r++) {
      let t0 = performance.now();
      await train(built, { train: set }, { epochs: 1, batchSize, seed: seed + r });
      trainRuns.push(images / ((performance.now() - t0) / 1000));
      t0 = performance.now();
      await predictInBatches(built, set, batchSize, noop);
      inferRuns.push(images / ((performance.now() - t0) / 1000));
      await opts.afterRun?.(r);
    }
    return { images, batchSize, train: median(trainRuns), infer: median(inferRuns), trainRuns, inferRuns };
  } finally {
    disposeModel(built);
  }
}
