import type { TInitializer, TModelSpec, TOptimizerName } from '@epoch/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { compiled, conv2d, dense, maxPool, model3Spec, tinyCnnSpec } from '../testing/model-specs';
import { buildModel, disposeModel } from './build-model';
import { TrainerSpecError } from './errors';
import { toLoss } from './losses';

/** A model using every layer type the ModelSpec allows. */
function everyLayerSpec(): TModelSpec {
  const I = (name: TInitializer['name'], config: Record<string, number> = {}): TInitializer => ({ name, config });
  return compiled(
    [12, 12, 3],
    [
      {
        name: 'zero_padding2d',
        type: 'ZeroPadding2D',
        padding: [
          [1, 0],
          [0, 1],
        ],
      },
      conv2d('conv2d', 4, { activation: 'leaky_relu', kernelInitializer: I('he_normal'), kernelRegularizer: { l1: 0, l2: 0.01 } }),
      {
        name: 'batch_normalization',
        type: 'BatchNormalization',
        axis: -1,
        momentum: 0.99,
        epsilon: 0.001,
        center: true,
        scale: true,
        betaInitializer: I('zeros'),
        gammaInitializer: I('ones'),
        movingMeanInitializer: I('zeros'),
        movingVarianceInitializer: I('ones'),
      },
      { name: 'activation', type: 'Activation', activation: 'tanh' },
      { name: 're_lu', type: 'ReLU', maxValue: 6, negativeSlope: 0, threshold: 0 },
      { name: 'average_pooling2d', type: 'AveragePooling2D', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { name: 'spatial_dropout2d', type: 'SpatialDropout2D', rate: 0.1, seed: null },
      conv2d('conv2d_1', 6, { strides: [2, 2], padding: 'same', kernelInitializer: I('lecun_uniform'), biasInitializer: I('constant', { value: 0.1 }) }),
      { name: 're_lu_1', type: 'ReLU', maxValue: null, negativeSlope: 0.1, threshold: 0.5 },
      { name: 'leaky_re_lu', type: 'LeakyReLU', negativeSlope: 0.3 },
      maxPool('max_pooling2d'),
      { name: 'reshape', type: 'Reshape', targetShape: [1, 1, 6] },
      { name: 'global_max_pooling2d', type: 'GlobalMaxPooling2D' },
      { name: 'reshape_1', type: 'Reshape', targetShape: [1, 1, 6] },
      { name: 'global_average_pooling2d', type: 'GlobalAveragePooling2D' },
      dense('dense', 8, { activation: 'selu', kernelInitializer: I('orthogonal', { gain: 1 }), useBias: false }),
      { name: 'dropout', type: 'Dropout', rate: 0.2, seed: 3 },
      dense('dense_1', 8, { activation: 'elu', kernelInitializer: I('random_normal', { mean: 0, stddev: 0.1 }), biasRegularizer: { l1: 0.01, l2: 0 } }),
      dense('dense_2', 8, { activation: 'softplus', kernelInitializer: I('truncated_normal', { stddev: 0.1 }) }),
      dense('dense_3', 8, { activation: 'sigmoid', kernelInitializer: I('glorot_normal') }),
      dense('dense_4', 8, { kernelInitializer: I('identity') }),
      { name: 'flatten', type: 'Flatten' },
      dense('dense_5', 10, { activation: 'softmax', kernelInitializer: I('random_uniform', { minval: -0.1, maxval: 0.1 }), biasInitializer: I('he_uniform') }),
    ],
    1,
    4,
  );
}

async function weightsOf(spec: TModelSpec, seed: number): Promise<Float32Array[]> {
  const built = buildModel(spec, seed);
  const out = await Promise.all(built.model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  disposeModel(built);
  return out;
}

describe('buildModel', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
  });

  it('builds the lesson model3 with 94,890 parameters and 10 outputs', () => {
    const built = buildModel(model3Spec(), 1);
    expect(built.paramCount).toBe(94_890);
    expect(built.numClasses).toBe(10);
    expect(built.outputLayers.map((l) => l.name)).toEqual(model3Spec().layers.map((l) => l.name));
    disposeModel(built);
  });

  it('builds and trains a model with every layer type, activation and initializer the ModelSpec allows', async () => {
    const spec = everyLayerSpec();
    const built = buildModel(spec, 5);
    expect(built.outputLayers).toHaveLength(spec.layers.length);
    // leaky_relu as an activation argument adds a LeakyReLU(0.2) after the layer, as Keras' activation does
    expect(built.model.layers.some((l) => l.name === 'conv2d_leaky_relu')).toBe(true);
    const x = tf.randomUniform([4, 12, 12, 3], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10);
    const loss = await built.model.trainOnBatch(x, y);
    expect(Number.isFinite((loss as number[])[0])).toBe(true);
    tf.dispose([x, y]);
    disposeModel(built);
  });

  it('gives identical weights for the same seed and different ones for another seed', async () => {
    const a = await weightsOf(tinyCnnSpec(), 11);
    const b = await weightsOf(tinyCnnSpec(), 11);
    const c = await weightsOf(tinyCnnSpec(), 12);
    expect(a.map((w) => Array.from(w))).toEqual(b.map((w) => Array.from(w)));
    expect(Array.from(a[0] as Float32Array)).not.toEqual(Array.from(c[0] as Float32Array));
  });

  it('refuses a dilated convolution with the layer named, since tfjs cannot train it', () => {
    const spec = compiled(
      [8, 8, 3],
      [conv2d('wide', 4, { dilationRate: [2, 2], source: { line: 7, column: 5 } }), { name: 'flatten', type: 'Flatten' }, dense('out', 10)],
    );
    expect(() => buildModel(spec, 1)).toThrow(TrainerSpecError);
    expect(() => buildModel(spec, 1)).toThrow(/layer 1 Conv2D "wide" \(line 7\): dilation_rate 2x2/);
  });

  it('refuses a model whose output is not a flat vector of class scores', () => {
    const spec = compiled([8, 8, 3], [conv2d('conv2d', 10)]);
    expect(() => buildModel(spec, 1)).toThrow(/flat vector of class scores/);
  });

  it('names the layer when the shapes do not fit', () => {
    const spec = compiled([8, 8, 3], [{ name: 'flatten', type: 'Flatten' }, conv2d('late_conv', 4)]);
    expect(() => buildModel(spec, 1)).toThrow(/layer 2 Conv2D "late_conv"/);
  });

  it.each(['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam'] as TOptimizerName[])(
    'optimizer %s lowers the loss on a fixed batch',
    async (name) => {
      const spec: TModelSpec = {
        ...tinyCnnSpec(),
        layers: tinyCnnSpec().layers.filter((l) => l.type !== 'Dropout'),
        optimizer: {
          name,
          learningRate: name === 'adadelta' ? 1 : name === 'sgd' || name === 'adagrad' ? 0.1 : 0.01,
          config: name === 'sgd' ? { momentum: 0.9, nesterov: true } : {},
        },
      };
      const built = buildModel(spec, 3);
      const x = tf.randomUniform([16, 8, 8, 3], 0, 1, 'float32', 2);
      const y = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: 16 }, (_, i) => i % 10),
          'int32',
        ),
        10,
      );
      const first = ((await built.model.trainOnBatch(x, y)) as number[])[0] as number;
      let last = first;
      for (let i = 0; i < 15; i++) last = ((await built.model.trainOnBatch(x, y)) as number[])[0] as number;
      expect(last).toBeLessThan(first);
      tf.dispose([x, y]);
      disposeModel(built);
    },
  );

  it('refuses amsgrad, which tfjs does not implement', () => {
    const spec: TModelSpec = { ...tinyCnnSpec(), optimizer: { name: 'adam', learningRate: 0.001, config: { amsgrad: true } } };
    expect(() => buildModel(spec, 1)).toThrow(/amsgrad/);
  });
});

describe('losses (Keras semantics)', () => {
  const yTrue = () =>
    tf.tensor2d([
      [0, 1, 0],
      [1, 0, 0],
    ]);
  const yPred = () =>
    tf.tensor2d([
      [0.2, 0.7, 0.1],
      [0.5, 0.25, 0.25],
    ]);
  const values = (f: () => tf.Tensor) => Array.from(tf.tidy(f).dataSync());

  it('categorical cross-entropy is -log(p[label]) per sample', () => {
    const got = values(() => toLoss({ name: 'categorical_crossentropy', fromLogits: false, labelSmoothing: 0 })(yTrue(), yPred()));
    expect(got[0]).toBeCloseTo(-Math.log(0.7), 5);
    expect(got[1]).toBeCloseTo(-Math.log(0.5), 5);
  });

  it('from_logits applies softmax first; label smoothing mixes in the uniform distribution', () => {
    const logits = () => tf.tensor2d([[1, 2, 3]]);
    const got = values(() => toLoss({ name: 'categorical_crossentropy', fromLogits: true, labelSmoothing: 0.3 })(tf.tensor2d([[0, 0, 1]]), logits()));
    const z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const t = [0.1, 0.1, 0.8];
    expect(got[0]).toBeCloseTo(-(t[0] * (1 - z) + t[1] * (2 - z) + t[2] * (3 - z)), 5);
  });

  it('sparse categorical cross-entropy equals the categorical one on one-hot labels', () => {
    const a = values(() => toLoss({ name: 'sparse_categorical_crossentropy', fromLogits: false, labelSmoothing: 0 })(yTrue(), yPred()));
    const b = values(() => toLoss({ name: 'categorical_crossentropy', fromLogits: false, labelSmoothing: 0 })(yTrue(), yPred()));
    expect(a).toEqual(b);
  });

  it('mean squared error and KL divergence', () => {
    const mse = values(() => toLoss({ name: 'mean_squared_error', fromLogits: false, labelSmoothing: 0 })(yTrue(), yPred()));
    expect(mse[0]).toBeCloseTo((0.04 + 0.09 + 0.01) / 3, 6);
    const kl = values(() => toLoss({ name: 'kl_divergence', fromLogits: false, labelSmoothing: 0 })(yTrue(), yPred()));
    expect(kl[0]).toBeCloseTo(Math.log(1 / 0.7), 5);
  });
});

describe('orthogonal initializer', () => {
  it('gives orthonormal columns scaled by the gain, for tall and wide kernels', async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
    for (const [rows, cols] of [
      [12, 5],
      [4, 9],
    ] as const) {
      const spec = compiled([rows], [dense('d', cols, { kernelInitializer: { name: 'orthogonal', config: { gain: 2 } } })]);
      const built = buildModel(spec, 9);
      const w = built.model.getWeights()[0] as tf.Tensor2D;
      const gram = tf.tidy(() => (rows >= cols ? tf.matMul(w, w, true, false) : tf.matMul(w, w, false, true)).arraySync() as number[][]);
      gram.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 4 : 0, 4)));
      disposeModel(built);
    }
  });
});
