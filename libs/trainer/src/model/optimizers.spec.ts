import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { AdamWOptimizer, NadamOptimizer, toOptimizer } from './optimizers';

function step(opt: tf.Optimizer, start: number, grad: number): number {
  const v = tf.variable(tf.scalar(start));
  opt.applyGradients({ [v.name]: tf.scalar(grad) });
  const out = v.dataSync()[0] as number;
  v.dispose();
  return out;
}

describe('optimizers tfjs lacks', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 });
  });

  it('AdamW decays weights decoupled from the gradient: w * (1 - lr * wd) when the gradient is 0', () => {
    expect(step(new AdamWOptimizer(0.1, 0.9, 0.999, 1e-7, 0.5), 2, 0)).toBeCloseTo(2 * (1 - 0.1 * 0.5), 6);
  });

  it('Nadam takes the Keras 3 first step', () => {
    const [lr, b1, b2, eps, g, w] = [0.01, 0.9, 0.999, 1e-7, 0.5, 1];
    const uT = b1 * (1 - 0.5 * 0.96);
    const uT1 = b1 * (1 - 0.5 * 0.96 ** 2);
    const mHat = (uT1 * (1 - b1) * g) / (1 - uT * uT1) + ((1 - uT) * g) / (1 - uT);
    const vHat = ((1 - b2) * g * g) / (1 - b2);
    expect(step(new NadamOptimizer(lr, b1, b2, eps), w, g)).toBeCloseTo(w - (lr * mHat) / (Math.sqrt(vHat) + eps), 6);
  });

  it('maps Keras arguments: SGD with momentum, RMSprop rho, Keras defaults otherwise', () => {
    expect(toOptimizer({ name: 'sgd', learningRate: 0.1, config: { momentum: 0.9 } }).getClassName()).toBe('Momentum');
    expect(toOptimizer({ name: 'sgd', learningRate: 0.1, config: {} }).getClassName()).toBe('SGD');
    expect(toOptimizer({ name: 'rmsprop', learningRate: 0.1, config: { rho: 0.8 } }).getConfig()).toMatchObject({
      learningRate: 0.1,
      decay: 0.8,
      epsilon: 1e-7,
    });
    expect(toOptimizer({ name: 'adam', learningRate: 0.002, config: {} }).getConfig()).toMatchObject({
      learningRate: 0.002,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
  });
});
