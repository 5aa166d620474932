import type { TLayerSpec, TModelSpec } from '@epoch/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { compiled, conv2d, dense, maxPool, model3Spec } from '../testing/model-specs';
import { syntheticImages } from '../testing/synthetic-images';
import { train } from '../train/train';
import { buildModel, disposeModel } from './build-model';
import { TrainerSpecError } from './errors';

/** The same layers with every input written out (the functional API's form of a chain). */
function asFunctional(spec: TModelSpec): TModelSpec {
  return { ...spec, layers: spec.layers.map((l, i) => ({ ...l, inputs: [i === 0 ? 'input' : (spec.layers[i - 1]?.name ?? 'input')] })) };
}

async function weights(built: ReturnType<typeof buildModel>): Promise<number[][]> {
  return Promise.all(built.model.getWeights().map(async (w) => Array.from((await w.data()) as Float32Array)));
}

describe('functional models (wasm, the graders’ backend)', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
  });

  it('model3 written in the functional style trains bit-identically to the Sequential one (300 images, 2 epochs)', async () => {
    const data = { train: syntheticImages(300, 1, 32), validation: syntheticImages(64, 2, 32) };
    const run = async (spec: TModelSpec) => {
      const built = buildModel(spec, 7);
      const before = await weights(built);
      const result = await train(built, data, { epochs: 2, batchSize: 64, seed: 7 });
      const after = await weights(built);
      const paramCount = built.paramCount;
      disposeModel(built);
      return {
        before,
        after,
        history: result.history.map(({ loss, accuracy, valLoss, valAccuracy }) => ({ loss, accuracy, valLoss, valAccuracy })),
        paramCount,
      };
    };
    const sequential = await run(model3Spec());
    const functional = await run(asFunctional(model3Spec()));
    expect(functional.paramCount).toBe(94_890);
    expect(functional.before).toEqual(sequential.before);
    expect(functional.history).toEqual(sequential.history);
    expect(functional.after).toEqual(sequential.after);
    expect(sequential.after).not.toEqual(sequential.before);
  }, 60_000);
});

describe('functional models and the new layers (cpu backend)', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu' });
  });
  afterAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
  });

  const residual = (): TModelSpec =>
    compiled(
      [8, 8, 3],
      [
        { name: 'rescaling', type: 'Rescaling', scale: 2, offset: -1 },
        conv2d('conv2d', 4, { padding: 'same', activation: 'relu' }),
        conv2d('conv2d_1', 4, { padding: 'same' }),
        { name: 'add', type: 'Add', inputs: ['conv2d', 'conv2d_1'] },
        conv2d('conv2d_2', 2, { padding: 'same', inputs: ['rescaling'] }),
        { name: 'concatenate', type: 'Concatenate', axis: -1, inputs: ['add', 'conv2d_2'] },
        { name: 'subtract', type: 'Subtract', inputs: ['concatenate', 'concatenate'] },
        { name: 'maximum', type: 'Maximum', inputs: ['concatenate', 'subtract'] },
        { name: 'global_average_pooling2d', type: 'GlobalAveragePooling2D' },
        dense('dense', 10),
        { name: 'softmax', type: 'Softmax', axis: -1 },
      ],
      1,
      4,
    );

  it('builds branches with Add, Concatenate, Subtract and Maximum and trains them', async () => {
    const built = buildModel(residual(), 3);
    // Keras: Conv2D 3->4 (3*3*3*4 + 4), 4->4 (3*3*4*4 + 4), 3->2 (3*3*3*2 + 2); Dense 6->10 (6*10 + 10)
    expect(built.paramCount).toBe(112 + 148 + 56 + 70);
    expect(built.model.outputs[0]?.shape).toEqual([null, 10]);
    const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10);
    const first = ((await built.model.trainOnBatch(x, y)) as number[])[0] as number;
    let last = first;
    for (let i = 0; i < 5; i++) last = ((await built.model.trainOnBatch(x, y)) as number[])[0] as number;
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first);
    tf.dispose([x, y]);
    disposeModel(built);
  });

  it('Rescaling, Normalization and Resizing compute what Keras computes', () => {
    const spec = compiled(
      [2, 2, 2],
      [
        { name: 'rescaling', type: 'Rescaling', scale: 1 / 255, offset: 0 },
        { name: 'normalization', type: 'Normalization', mean: [0.5, 0], variance: [0.25, 0] },
        { name: 'resizing', type: 'Resizing', height: 4, width: 4, interpolation: 'bilinear' },
        { name: 'flatten', type: 'Flatten' },
      ],
    );
    const built = buildModel(spec, 1);
    const x = tf.tensor4d([0, 255, 51, 102, 153, 204, 255, 0], [1, 2, 2, 2]);
    const out = built.model.predict(x) as tf.Tensor;
    const v = Array.from(out.dataSync());
    // channel 0: (x/255 - 0.5) / 0.5; channel 1: x/255 / 1e-7 (variance 0: Keras divides by epsilon)
    // corners of a 2x -> 4x half-pixel bilinear resize keep the input values
    const at = (r: number, c: number, ch: number) => v[(r * 4 + c) * 2 + ch] as number;
    expect(at(0, 0, 0)).toBeCloseTo(-1, 5);
    expect(at(3, 3, 0)).toBeCloseTo((255 / 255 - 0.5) / 0.5, 5);
    expect(at(0, 0, 1)).toBeCloseTo(1 / 1e-7, -2);
    // between the first two columns of row 0: 3/4 of the first plus 1/4 of the second
    expect(at(0, 1, 0)).toBeCloseTo(0.75 * -1 + 0.25 * ((51 / 255 - 0.5) / 0.5), 5);
    tf.dispose([x, out]);
    disposeModel(built);
  });

  const augmentModel = (layer: TLayerSpec, size = 4): TModelSpec => compiled([size, size, 1], [layer, { name: 'flatten', type: 'Flatten' }]);
  /** Runs a model's layers as in training (kwarg training = true). */
  const trainingCall = (spec: TModelSpec, seed: number, x: tf.Tensor): number[] => {
    const built = buildModel(spec, seed);
    const layer = built.model.layers[1] as unknown as { call(x: tf.Tensor, k: Record<string, unknown>): tf.Tensor };
    const out = layer.call(x, { training: true });
    const v = Array.from(out.dataSync());
    out.dispose();
    disposeModel(built);
    return v;
  };
  const image = () =>
    tf.tensor4d(
      Array.from({ length: 16 }, (_, i) => i),
      [1, 4, 4, 1],
    );

  it('augmentation is identity outside training; RandomRotation by a quarter turn rotates with Keras’s matrix', () => {
    const rot: TLayerSpec = {
      name: 'random_rotation',
      type: 'RandomRotation',
      factor: [0.25, 0.25],
      fillMode: 'reflect',
      interpolation: 'bilinear',
      fillValue: 0,
      seed: null,
    };
    const x = image();
    const built = buildModel(augmentModel(rot), 1);
    expect(Array.from((built.model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from({ length: 16 }, (_, i) => i));
    disposeModel(built);
    const v = trainingCall(augmentModel(rot), 1, x);
    // out[y][x] = in[x][3 - y]
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(v[r * 4 + c]).toBeCloseTo(c * 4 + (3 - r), 4);
    x.dispose();
  });

  it('RandomTranslation moves by the fraction of the height; RandomFlip flips whole images; both repeat with the seed', () => {
    const x = image();
    const tr: TLayerSpec = {
      name: 'random_translation',
      type: 'RandomTranslation',
      heightFactor: [0.25, 0.25],
      widthFactor: [0, 0],
      fillMode: 'constant',
      interpolation: 'nearest',
      fillValue: -1,
      seed: null,
    };
    const moved = trainingCall(augmentModel(tr), 1, x);
    expect(moved).toEqual([-1, -1, -1, -1, ...Array.from({ length: 12 }, (_, i) => i)]);
    const flip: TLayerSpec = { name: 'random_flip', type: 'RandomFlip', mode: 'horizontal', seed: null };
    const batch = tf.tile(image(), [16, 1, 1, 1]);
    const a = trainingCall(augmentModel(flip), 5, batch);
    const row = [0, 1, 2, 3];
    const flippedImages = Array.from({ length: 16 }, (_, i) => a.slice(i * 16, i * 16 + 4)).filter((r) => r.join() === '3,2,1,0').length;
    expect(flippedImages).toBeGreaterThan(0);
    expect(flippedImages).toBeLessThan(16);
    for (let i = 0; i < 16; i++) expect([row.join(), '3,2,1,0']).toContain(a.slice(i * 16, i * 16 + 4).join());
    expect(trainingCall(augmentModel(flip), 5, batch)).toEqual(a);
    expect(trainingCall(augmentModel(flip), 6, batch)).not.toEqual(a);
    tf.dispose([x, batch]);
  });

  it('RandomZoom and RandomCrop: training windows, inference resize', () => {
    const x = image();
    const zoom: TLayerSpec = {
      name: 'random_zoom',
      type: 'RandomZoom',
      heightFactor: [-0.5, -0.5],
      widthFactor: null,
      fillMode: 'reflect',
      interpolation: 'nearest',
      fillValue: 0,
      seed: null,
    };
    // zoomed in 2x about the centre: the 2x2 middle of the image fills it
    expect(new Set(trainingCall(augmentModel(zoom), 1, x))).toEqual(new Set([5, 6, 9, 10]));
    const crop: TLayerSpec = { name: 'random_crop', type: 'RandomCrop', height: 2, width: 2, seed: null };
    const windowed = trainingCall(augmentModel(crop), 2, x);
    const [first = 0] = windowed;
    expect(windowed).toEqual([first, first + 1, first + 4, first + 5]);
    const built = buildModel(augmentModel(crop), 2);
    // inference: the whole (square) image resized to 2x2 (half-pixel bilinear: averages of 2x2 blocks)
    expect(Array.from((built.model.predict(x) as tf.Tensor).dataSync())).toEqual([2.5, 4.5, 10.5, 12.5]);
    disposeModel(built);
    x.dispose();
  });

  it('refuses a geometric augmentation after a layer with weights (tfjs cannot differentiate it)', () => {
    const spec = compiled(
      [8, 8, 3],
      [
        conv2d('conv2d', 4),
        { name: 'random_rotation', type: 'RandomRotation', factor: [-0.1, 0.1], fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0, seed: null },
        { name: 'flatten', type: 'Flatten' },
        dense('dense', 10),
      ],
    );
    expect(() => buildModel(spec, 1)).toThrow(TrainerSpecError);
    expect(() => buildModel(spec, 1)).toThrow(/layer 2 RandomRotation "random_rotation".*before the first layer with weights/);
  });

  it('an augmented CNN trains end to end with its seed', async () => {
    const spec = compiled(
      [8, 8, 3],
      [
        { name: 'random_flip', type: 'RandomFlip', mode: 'horizontal_and_vertical', seed: null },
        { name: 'random_rotation', type: 'RandomRotation', factor: [-0.1, 0.1], fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0, seed: null },
        {
          name: 'random_zoom',
          type: 'RandomZoom',
          heightFactor: [-0.1, 0.1],
          widthFactor: null,
          fillMode: 'reflect',
          interpolation: 'bilinear',
          fillValue: 0,
          seed: null,
        },
        {
          name: 'random_translation',
          type: 'RandomTranslation',
          heightFactor: [-0.1, 0.1],
          widthFactor: [-0.1, 0.1],
          fillMode: 'reflect',
          interpolation: 'bilinear',
          fillValue: 0,
          seed: 4,
        },
        conv2d('conv2d', 4, { activation: 'relu' }),
        maxPool('max_pooling2d'),
        { name: 'flatten', type: 'Flatten' },
        dense('dense', 10, { activation: 'softmax' }),
      ],
      2,
      16,
    );
    const data = { train: syntheticImages(32, 1) };
    const losses = async (seed: number) => {
      const built = buildModel(spec, seed);
      const r = await train(built, data, { epochs: 2, batchSize: 16, seed });
      disposeModel(built);
      return r.history.map((h) => h.loss);
    };
    const a = await losses(9);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(await losses(9)).toEqual(a);
  }, 60_000);
});
