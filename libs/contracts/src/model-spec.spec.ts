import { describe, expect, it } from 'vitest';
import { ZModelSpec } from './model-spec';

const conv = {
  name: 'conv2d',
  type: 'Conv2D',
  filters: 32,
  kernelSize: [3, 3],
  strides: [1, 1],
  padding: 'same',
  dilationRate: [1, 1],
  activation: 'relu',
  useBias: true,
  kernelInitializer: { name: 'glorot_uniform' },
  biasInitializer: { name: 'zeros' },
  kernelRegularizer: null,
  biasRegularizer: null,
};

describe('ZModelSpec', () => {
  it('accepts a resolved model and fills defaults', () => {
    const spec = ZModelSpec.parse({
      inputShape: [32, 32, 3],
      layers: [conv, { name: 'flatten', type: 'Flatten' }],
      optimizer: { name: 'adam', learningRate: 0.001 },
      loss: { name: 'categorical_crossentropy' },
      metrics: ['accuracy'],
      epochs: 30,
      batchSize: 64,
    });
    expect(spec.optimizer.config).toEqual({});
    expect(spec.loss.fromLogits).toBe(false);
    expect(spec.layers[0]).toMatchObject({ type: 'Conv2D', padding: 'same' });
  });

  it('rejects an unknown padding with the path of the field', () => {
    const r = ZModelSpec.safeParse({
      inputShape: [32, 32, 3],
      layers: [{ ...conv, padding: 'sideways' }],
      optimizer: { name: 'adam', learningRate: 0.001 },
      loss: { name: 'categorical_crossentropy' },
      metrics: [],
      epochs: 1,
      batchSize: 64,
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.slice(0, 2)).toEqual(['layers', 0]);
  });
});
