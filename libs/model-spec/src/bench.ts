import { checkSource } from './check-source';

export interface TBenchResult {
  iterations: number;
  medianMs: number;
  p99Ms: number;
  /** Checking a source of `largeBytes` bytes. */
  largeBytes: number;
  largeMs: number;
  throughputMiBPerSecond: number;
}

const now = (): number => (globalThis.performance ? globalThis.performance.now() : Date.now());

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

/** Pads a source with harmless plotting code to just under `bytes` bytes (ASCII, so characters are bytes). */
export function makeLargeSource(base: string, bytes = 64 * 1024): string {
  const filler = [
    '',
    "acc = history.history['accuracy']",
    "val_acc = history.history['val_accuracy']",
    "plt.plot(range(len(acc)), acc, 'ro', label='Training acc')  # plotting does not affect the model",
    "plt.title('Training and validation accuracy')",
  ].join('\n');
  let out = base;
  while (out.length + filler.length + 1 <= bytes) out += `${filler}\n`;
  return out;
}

/** Times checkSource on `source` after a warm-up, then on a 64 KiB input built from it. */
export function benchCheck(source: string, opts: { warmup?: number; iterations?: number; largeRuns?: number } = {}): TBenchResult {
  const warmup = opts.warmup ?? 50;
  const iterations = opts.iterations ?? 300;
  for (let i = 0; i < warmup; i++) checkSource(source);
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = now();
    checkSource(source);
    times.push(now() - t0);
  }
  times.sort((a, b) => a - b);
  const large = makeLargeSource(source);
  const runs = opts.largeRuns ?? 10;
  checkSource(large);
  const t0 = now();
  for (let i = 0; i < runs; i++) checkSource(large);
  const largeMs = (now() - t0) / runs;
  return {
    iterations,
    medianMs: quantile(times, 0.5),
    p99Ms: quantile(times, 0.99),
    largeBytes: large.length,
    largeMs,
    throughputMiBPerSecond: large.length / 1024 / 1024 / (largeMs / 1000),
  };
}
