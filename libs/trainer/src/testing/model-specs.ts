import type { TLayerSpec, TModelSpec } from '@epoch/contracts';

/** Hand-built, fully resolved ModelSpecs (Keras defaults applied) for tests and benchmarks. */

const glorot = { name: 'glorot_uniform', config: {} } as const;
const zeros = { name: 'zeros', config: {} } as const;

export function conv2d(name: string, filters: number, overrides: Partial<Extract<TLayerSpec, { type: 'Conv2D' }>> = {}): TLayerSpec {
  return {
    name,
    type: 'Conv2D',
    filters,
    kernelSize: [3, 3],
    strides: [1, 1],
    padding: 'valid',
    dilationRate: [1, 1],
    activation: 'linear',
    useBias: true,
    kernelInitializer: { ...glorot, config: {} },
    biasInitializer: { ...zeros, config: {} },
    kernelRegularizer: null,
    biasRegularizer: null,
    ...overrides,
  };
}

export function dense(name: string, units: number, overrides: Partial<Extract<TLayerSpec, { type: 'Dense' }>> = {}): TLayerSpec {
  return {
    name,
    type: 'Dense',
    units,
    activation: 'linear',
    useBias: true,
    kernelInitializer: { ...glorot, config: {} },
    biasInitializer: { ...zeros, config: {} },
    kernelRegularizer: null,
    biasRegularizer: null,
    ...overrides,
  };
}

export function maxPool(name: string, size = 2): TLayerSpec {
  return { name, type: 'MaxPooling2D', poolSize: [size, size], strides: [size, size], padding: 'valid' };
}

export function compiled(inputShape: number[], layers: TLayerSpec[], epochs = 30, batchSize = 64): TModelSpec {
  return {
    inputShape,
    layers,
    epochs,
    batchSize,
    metrics: ['accuracy'],
    optimizer: { name: 'adam', learningRate: 0.001, config: { beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } },
    loss: { name: 'categorical_crossentropy', fromLogits: false, labelSmoothing: 0 },
  };
}

/** The lesson's model3: 94,890 parameters. */
export function model3Spec(): TModelSpec {
  return compiled(
    [32, 32, 3],
    [
      conv2d('conv2d', 32, { padding: 'same', activation: 'relu' }),
      maxPool('max_pooling2d'),
      conv2d('conv2d_1', 32, { padding: 'same', activation: 'relu' }),
      maxPool('max_pooling2d_1'),
      conv2d('conv2d_2', 64, { padding: 'same', activation: 'relu' }),
      maxPool('max_pooling2d_2'),
      { name: 'flatten', type: 'Flatten' },
      dense('dense', 64, { activation: 'relu' }),
      { name: 'dropout', type: 'Dropout', rate: 0.5, seed: null },
      dense('dense_1', 10, { activation: 'softmax' }),
    ],
  );
}

/** The lesson's dense network: Flatten, Dense(512, relu), Dense(10, softmax). */
export function denseSpec(): TModelSpec {
  return compiled(
    [32, 32, 3],
    [{ name: 'flatten', type: 'Flatten' }, dense('dense', 512, { activation: 'relu' }), dense('dense_1', 10, { activation: 'softmax' })],
    20,
  );
}

/** A very small CNN on 8x8x3 images for fast unit tests. */
export function tinyCnnSpec(): TModelSpec {
  return compiled(
    [8, 8, 3],
    [
      conv2d('conv2d', 4, { padding: 'same', activation: 'relu' }),
      maxPool('max_pooling2d'),
      { name: 'flatten', type: 'Flatten' },
      dense('dense', 8, { activation: 'relu' }),
      { name: 'dropout', type: 'Dropout', rate: 0.25, seed: null },
      dense('dense_1', 10, { activation: 'softmax' }),
    ],
    2,
    16,
  );
}
