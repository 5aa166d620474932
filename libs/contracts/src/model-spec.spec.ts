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

describe('ZModelSpec graphs (functional models)', () => {
  const spec = (layers: unknown[]) => ({
    inputShape: [8, 8, 3],
    layers,
    optimizer: { name: 'adam', learningRate: 0.001 },
    loss: { name: 'categorical_crossentropy' },
    metrics: ['accuracy'],
    epochs: 1,
    batchSize: 64,
  });
  const conv2 = { ...conv, name: 'conv2d_1' };

  it('accepts branches joined by a merge; a Sequential spec needs no inputs', () => {
    const r = ZModelSpec.safeParse(spec([conv, { ...conv2, inputs: ['input'] }, { name: 'add', type: 'Add', inputs: ['conv2d', 'conv2d_1'] }]));
    expect(r.success).toBe(true);
    const plain = ZModelSpec.parse(spec([conv, { name: 'flatten', type: 'Flatten' }]));
    expect('inputs' in (plain.layers[1] ?? {})).toBe(false);
  });

  it('refuses inputs that are not earlier layers, merges of one input, unused layers and the reserved name', () => {
    const problems = (layers: unknown[]) => (ZModelSpec.safeParse(spec(layers)).error?.issues ?? []).map((i) => i.message);
    expect(problems([{ ...conv, inputs: ['later'] }])).toContain("input 'later' is not an earlier layer");
    expect(problems([conv, { name: 'add', type: 'Add' }])).toContain('a Add layer takes two or more inputs, got 1');
    expect(problems([conv, { ...conv2, inputs: ['input'] }])).toContain("layer 'conv2d' does not lead to the model's output");
    expect(problems([{ ...conv, name: 'input' }])).toContain("'input' is the name of the model's input; a layer cannot have it");
    expect(problems([conv, { ...conv, inputs: ['conv2d'] }])).toContain("two layers are named 'conv2d'");
  });
});
