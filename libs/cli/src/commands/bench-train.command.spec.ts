import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const code = await runBenchTrainCommand(
      { backends: ['node', 'wasm'], images: 64, runs: 3, compareTorch: true, pythonCandidates: ['/nonexistent/python3'] },
      io,
    );
    expect(code).toBe(0);
    expect(out[1]).toMatch(/^node +unavailable: backend node \(forced\) is unavailable/);
    expect(out[2]).toMatch(/^wasm +threads \d+: train \d+\.\d img\/s \(runs \d+, \d+, \d+\), infer \d+\.\d img\/s \(runs \d+, \d+, \d+\), 64 images/);
    expect(out[3]).toMatch(/^PyTorch not available \(\/nonexistent\/python3: not found\)/);
  }, 120_000);

  it("alternates PyTorch's runs with the wasm runs and reports the median of the per-run ratios", async () => {
    // A stand-in interpreter speaking torch_bench.py's round protocol (the real one needs Debian's python3-torch): it
    // "imports torch", says hello once warmed up, then answers every request with one training and one inference rate.
    const dir = mkdtempSync(join(tmpdir(), 'epoch-fake-torch-'));
    const python = join(dir, 'python3');
    const requests = join(dir, 'requests');
    writeFileSync(
      python,
      [
        '#!/bin/sh',
        'if [ "$1" = "-c" ]; then exit 0; fi',
        'case "$*" in *--rounds*) ;; *) exit 3 ;; esac',
        'echo \'{"torch": "fake-1.0", "threads": 2}\'',
        `while read line; do echo "$line" >> ${requests}; echo '{"train": 1000, "infer": 4000}'; done`,
      ].join('\n'),
    );
    chmodSync(python, 0o755);
    const { io, out } = capture();
    expect(await runBenchTrainCommand({ backends: ['wasm'], images: 64, runs: 3, compareTorch: true, pythonCandidates: [python] }, io)).toBe(0);
    expect(readFileSync(requests, 'utf8').trim().split('\n')).toEqual(['run', 'run', 'run']);
    const wasm = /train ([\d.]+) img\/s \(runs (\d+), (\d+), (\d+)\), infer ([\d.]+) img\/s/.exec(out[1] ?? '');
    expect(wasm, out[1]).not.toBeNull();
    expect(out[2]).toBe(
      'pytorch  threads 2: train 1000.0 img/s (runs 1000, 1000, 1000), infer 4000.0 img/s (runs 4000, 4000, 4000), ' +
        `torch fake-1.0 (${python}), each run right after the wasm run`,
    );
    const trainRatios = [2, 3, 4].map((i) => Number(wasm?.[i]) / 1000);
    expect(out[3]).toMatch(/^ratio wasm\/pytorch: train \d+\.\d\dx, infer \d+\.\d\dx \(medians of the per-run ratios: train [\d.]+, [\d.]+, [\d.]+; infer /);
    const printed = /train ([\d.]+), ([\d.]+), ([\d.]+);/.exec(out[3] ?? '');
    // runs are printed rounded to whole img/s, ratios to 2 decimals
    [1, 2, 3].forEach((i) => expect(Number(printed?.[i])).toBeCloseTo(trainRatios[i - 1] as number, 1));
  }, 120_000);

  it('times one epoch of model3 and reports memory', async () => {
    const { io, out } = capture();
    const data = { train: syntheticImages(80, 1, 32), validation: syntheticImages(16, 2, 32) };
    expect(await runBenchEpochCommand({ limitTrain: 64, loadData: async () => data }, io)).toBe(0);
    expect(out[0]).toMatch(/^one epoch of model3 on wasm \(\d+ threads\): 64 training images, .* RSS \d+ MB before, peak \d+ MB$/);
  }, 120_000);
});
