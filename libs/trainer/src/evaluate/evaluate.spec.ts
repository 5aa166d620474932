import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { loadModel, saveModel } from '../io/weights-io';
import { buildModel, disposeModel, type TBuiltModel } from '../model/build-model';
import { tinyCnnSpec } from '../testing/model-specs';
import { syntheticImages } from '../testing/synthetic-images';
import { train } from '../train/train';
import { evaluate } from './evaluate';
import { featureMaps } from './feature-maps';

const test = syntheticImages(50, 9);
let built: TBuiltModel;
let dir: string;

describe('evaluate, featureMaps, saveModel/loadModel', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 2 });
    built = buildModel({ ...tinyCnnSpec(), optimizer: { name: 'adam', learningRate: 0.01, config: {} } }, 4);
    await train(built, { train: syntheticImages(200, 8) }, { epochs: 3, batchSize: 20, seed: 1 });
    dir = await mkdtemp(join(tmpdir(), 'epoch-trainer-'));
  });
  afterAll(async () => {
    disposeModel(built);
    await rm(dir, { recursive: true, force: true });
  });

  it('reports loss, accuracy, per-class accuracy, a consistent confusion matrix and chosen predictions', async () => {
    const ev = await evaluate(built, test, { batchSize: 16, predictionIndices: [7, 0, 12] });
    expect(ev.count).toBe(50);
    expect(ev.testLoss).toBeGreaterThan(0);
    expect(ev.confusionMatrix).toHaveLength(10);
    expect(ev.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(50);
    // every class has 5 test images (labels cycle 0..9)
    ev.confusionMatrix.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBe(5));
    const diagonal = ev.confusionMatrix.reduce((a, row, c) => a + (row[c] ?? 0), 0);
    expect(ev.testAccuracy).toBeCloseTo(diagonal / 50, 10);
    ev.perClassAccuracy.forEach((acc, c) => expect(acc).toBeCloseTo((ev.confusionMatrix[c]?.[c] ?? 0) / 5, 10));
    expect(ev.predictions.map((p) => p.index)).toEqual([7, 0, 12]);
    for (const p of ev.predictions) {
      expect(p.label).toBe(test.labels[p.index]);
      expect(p.probabilities).toHaveLength(10);
      expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(p.predicted).toBe(p.probabilities.indexOf(Math.max(...p.probabilities)));
    }
    expect(ev.testAccuracy).toBeGreaterThan(0.3); // chance is 0.1
  });

  it('with a held-out mask, evaluates the public and the private images apart in one pass, predictions of public ones only', async () => {
    const whole = await evaluate(built, test, { batchSize: 16 });
    const mask = Uint8Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const ev = await evaluate(built, test, { batchSize: 16, privateMask: mask, predictionIndices: [0, 1, 3] });
    expect(ev.count).toBe(25);
    expect(ev.heldOut?.count).toBe(25);
    expect(ev.predictions.map((p) => p.index)).toEqual([1, 3]);
    const sum = (m: number[][]) => m.map((row) => [...row]);
    const added = sum(ev.confusionMatrix).map((row, r) => row.map((x, c) => x + (ev.heldOut?.confusionMatrix[r]?.[c] ?? 0)));
    expect(added).toEqual(whole.confusionMatrix);
    expect((ev.testAccuracy + (ev.heldOut?.testAccuracy ?? 0)) / 2).toBeCloseTo(whole.testAccuracy, 10);
    await expect(evaluate(built, test, { privateMask: new Uint8Array(10) })).rejects.toThrow(/covers 10 of the 50/);
  });

  it('limits the test set and rejects prediction indices outside it', async () => {
    expect((await evaluate(built, test, { limit: 20 })).count).toBe(20);
    await expect(evaluate(built, test, { limit: 20, predictionIndices: [25] })).rejects.toThrow(/prediction index 25 is outside the 20 test images/);
  });

  it('returns the feature maps of a convolution layer for one image', async () => {
    const image = test.images.subarray(0, 8 * 8 * 3);
    const fm = await featureMaps(built, image, 0);
    expect(fm.layerName).toBe('conv2d');
    expect(fm.shape).toEqual([8, 8, 4]);
    expect(fm.values).toHaveLength(8 * 8 * 4);
    expect(Math.min(...fm.values)).toBeGreaterThanOrEqual(0); // relu
    const pooled = await featureMaps(built, image, 1);
    expect(pooled.shape).toEqual([4, 4, 4]);
    await expect(featureMaps(built, image, 9)).rejects.toThrow(/outside the model's 6 layers/);
    await expect(featureMaps(built, image.subarray(0, 10), 0)).rejects.toThrow(/needs 192/);
  });

  it('saves in the tfjs layers format and loads a model that predicts identically', async () => {
    await saveModel(built, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { format: string; weightsManifest: { paths: string[] }[] };
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]?.paths).toEqual(['weights.bin']);
    const loaded = await loadModel(dir);
    const a = await evaluate(built, test, { predictionIndices: [3] });
    const b = await evaluate(loaded, test, { predictionIndices: [3] });
    expect(b.testLoss).toBe(a.testLoss);
    expect(b.predictions).toEqual(a.predictions);
    disposeModel(loaded);
  });

  it('says what is wrong with a folder that holds no saved model', async () => {
    await expect(loadModel(join(dir, 'missing'))).rejects.toThrow(/cannot read a saved model/);
  });
});
