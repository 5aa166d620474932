import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { buildModel, disposeModel } from '../model/build-model';
import { NonFiniteLossError, TrainingCancelledError } from '../model/errors';
import { tinyCnnSpec } from '../testing/model-specs';
import { syntheticImages } from '../testing/synthetic-images';
import { makeBatch, shuffledIndices } from './image-batches';
import { train, type TBatchProgress, type TEpochStats } from './train';

const data = { train: syntheticImages(256, 1), validation: syntheticImages(64, 2) };

describe('train', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 2 });
  });

  it('learns the toy data and reports every epoch with validation numbers and an ETA', async () => {
    const built = buildModel({ ...tinyCnnSpec(), optimizer: { name: 'adam', learningRate: 0.01, config: {} } }, 1);
    const epochs: TEpochStats[] = [];
    const batches: TBatchProgress[] = [];
    const result = await train(built, data, {
      epochs: 4,
      batchSize: 32,
      seed: 3,
      onEpoch: (s) => epochs.push(s),
      onBatch: (p) => batches.push(p),
      everyNBatches: 3,
    });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(result.history).toEqual(epochs);
    const last = epochs[3] as TEpochStats;
    expect(last.loss).toBeLessThan((epochs[0] as TEpochStats).loss);
    expect(last.valAccuracy).toBeGreaterThan(0.5);
    expect(last.valLoss).toBeGreaterThan(0);
    expect(last.etaSeconds).toBe(0);
    expect((epochs[0] as TEpochStats).etaSeconds).toBeGreaterThan(0);
    // 8 batches per epoch, reported at batches 3, 6 and 8
    expect(batches.filter((b) => b.epoch === 1).map((b) => b.batch)).toEqual([3, 6, 8]);
    expect(result.trainImagesPerSecond).toBeGreaterThan(0);
    disposeModel(built);
  });

  it('gives the identical first-epoch loss for the same spec, seed and backend', async () => {
    const run = async (seed: number) => {
      const built = buildModel(tinyCnnSpec(), seed);
      const r = await train(built, data, { epochs: 1, batchSize: 16, seed });
      disposeModel(built);
      return (r.history[0] as TEpochStats).loss;
    };
    const a = await run(5);
    expect(await run(5)).toBe(a);
    expect(await run(6)).not.toBe(a);
  });

  it('reshuffles every epoch with the seed', () => {
    const a = shuffledIndices(50, 1);
    expect(Array.from(shuffledIndices(50, 1))).toEqual(Array.from(a));
    expect(Array.from(shuffledIndices(50, 2))).not.toEqual(Array.from(a));
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('makes batches scaled to 0..1 with one-hot labels', () => {
    const set = { images: new Uint8Array([0, 255, 51, 102, 204, 255]), labels: new Uint8Array([2, 0]), count: 2, height: 1, width: 1, channels: 3 };
    const { x, y } = makeBatch(set, [1, 0], 0, 2, 3);
    expect(Array.from(x.dataSync()).map((v) => Math.round(v * 100) / 100)).toEqual([0.4, 0.8, 1, 0, 1, 0.2]);
    expect(Array.from(y.dataSync())).toEqual([1, 0, 0, 0, 0, 1]);
    tf.dispose([x, y]);
  });

  it('keeps the number of tensors flat across epochs', async () => {
    const built = buildModel(tinyCnnSpec(), 2);
    const counts: number[] = [];
    await train(built, data, { epochs: 4, batchSize: 32, seed: 1, onEpoch: () => counts.push(tf.memory().numTensors) });
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(counts[0]).toBe(counts[3]);
    disposeModel(built);
  });

  it('stops with a model problem when the loss becomes NaN', async () => {
    // a linear output with squared error and a huge learning rate diverges to Infinity, then NaN
    const base = tinyCnnSpec();
    const layers = base.layers.map((l) => (l.type === 'Dense' && l.units === 10 ? { ...l, activation: 'linear' as const } : l));
    const spec = {
      ...base,
      layers,
      loss: { name: 'mean_squared_error' as const, fromLogits: false, labelSmoothing: 0 },
      optimizer: { name: 'sgd' as const, learningRate: 1e6, config: {} },
    };
    const built = buildModel(spec, 1);
    const err = await train(built, data, { epochs: 3, batchSize: 32, seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as NonFiniteLossError).kind).toBe('model-problem');
    expect((err as Error).message).toMatch(/the loss became (NaN|Infinity) at epoch 1, batch \d+/);
    disposeModel(built);
  });

  it('cancels between batches when the signal is aborted', async () => {
    const built = buildModel(tinyCnnSpec(), 1);
    const controller = new AbortController();
    const seen: number[] = [];
    const err = await train(built, data, {
      epochs: 3,
      batchSize: 16,
      seed: 1,
      everyNBatches: 1,
      signal: controller.signal,
      onBatch: (p) => {
        seen.push(p.batch);
        if (p.batch === 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingCancelledError);
    expect((err as TrainingCancelledError).batch).toBe(3);
    expect(seen).toEqual([1, 2]);
    disposeModel(built);
  });

  it('honours the training and validation limits', async () => {
    const built = buildModel(tinyCnnSpec(), 1);
    const batches: TBatchProgress[] = [];
    await train(built, data, { epochs: 1, batchSize: 10, seed: 1, limitTrain: 25, limitValidation: 5, everyNBatches: 1, onBatch: (b) => batches.push(b) });
    expect(batches.map((b) => b.batches)).toEqual([3, 3, 3]);
    disposeModel(built);
  });

  it('rejects data that does not fit the model with a clear message', async () => {
    const built = buildModel(tinyCnnSpec(), 1);
    await expect(train(built, { train: syntheticImages(4, 1, 16) }, { epochs: 1, seed: 1 })).rejects.toThrow(
      /images are 16x16x3 but the model's input is 8x8x3/,
    );
    await expect(train(built, data, { epochs: 0, seed: 1 })).rejects.toThrow(/epochs must be/);
    disposeModel(built);
  });
});
