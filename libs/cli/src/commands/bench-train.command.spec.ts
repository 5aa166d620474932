import { syntheticImages } from '@epoch/trainer';
import { describe, expect, it } from 'vitest';
import { runBenchEpochCommand, runBenchTrainCommand } from './bench-train.command';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

describe('./epoch bench train / epoch', () => {
  it('prints training and inference images/second per backend and says when PyTorch is missing', async () => {
    const { io, out } = capture();
    const code = await runBenchTrainCommand({ backends: ['node', 'wasm'], images: 64, runs: 3, compareTorch: true, pythonCandidates: ['/nonexistent/python3'] }, io);
    expect(code).toBe(0);
    expect(out[1]).toMatch(/^node +unavailable: backend node \(forced\) is unavailable/);
    expect(out[2]).toMatch(/^wasm +threads \d+: train \d+\.\d img\/s \(runs \d+, \d+, \d+\), infer \d+\.\d img\/s \(runs \d+, \d+, \d+\), 64 images/);
    expect(out[3]).toMatch(/^PyTorch not available \(\/nonexistent\/python3: not found\)/);
  }, 120_000);

  it('times one epoch of model3 and reports memory', async () => {
    const { io, out } = capture();
    const data = { train: syntheticImages(80, 1, 32), validation: syntheticImages(16, 2, 32) };
    expect(await runBenchEpochCommand({ limitTrain: 64, loadData: async () => data }, io)).toBe(0);
    expect(out[0]).toMatch(/^one epoch of model3 on wasm \(\d+ threads\): 64 training images, .* RSS \d+ MB before, peak \d+ MB$/);
  }, 120_000);
});
