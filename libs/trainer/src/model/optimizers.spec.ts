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

  it("Keras 2's decay= lowers the rate step by step: lr / (1 + decay * t), t counted from 0", () => {
    for (const name of ['sgd', 'adam', 'rmsprop'] as const) {
      const opt = toOptimizer({ name, learningRate: 0.1, config: { decay: 0.5 } });
      const plain = (lr: number) => toOptimizer({ name, learningRate: lr, config: {} });
      const v = tf.variable(tf.scalar(1));
      const w = tf.variable(tf.scalar(1));
      const reference = [0.1, 0.1 / 1.5, 0.1 / 2, 0.1 / 2.5].map(plain);
      for (let t = 0; t < 4; t++) {
        opt.applyGradients({ [v.name]: tf.scalar(0.3) });
        // a fresh optimizer at that step's rate, on the same state, gives the same weight for SGD (stateless)
        if (name === 'sgd') (reference[t] as tf.Optimizer).applyGradients({ [w.name]: tf.scalar(0.3) });
      }
      if (name === 'sgd') expect(v.dataSync()[0]).toBeCloseTo(w.dataSync()[0] as number, 6);
      expect((opt as unknown as { learningRate: number }).learningRate).toBeCloseTo(0.1 / 2.5, 9);
      tf.dispose([v, w]);
    }
    // without decay (or decay=0), the optimizer keeps its rate
    const still = toOptimizer({ name: 'adam', learningRate: 0.1, config: { decay: 0 } });
    step(still, 1, 0.3);
    expect((still as unknown as { learningRate: number }).learningRate).toBe(0.1);
  });
});
