import type { TInitializer, TRegularizer } from '@epoch/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { initializers, regularizers } from '@tensorflow/tfjs-layers';
import { TrainerSpecError } from './errors';

type Initializer = ReturnType<typeof initializers.zeros>;
type Regularizer = ReturnType<typeof regularizers.l1l2>;

/** Reads a numeric argument under its Keras (snake_case) or tfjs (camelCase) name. */
function arg(init: TInitializer, names: string[], fallback: number): number {
  for (const n of names) {
    const v = init.config[n];
    if (typeof v === 'number') return v;
  }
  return fallback;
}

/** Keras initializer -> tfjs initializer. `seed` is used unless the spec fixes one. */
export function toInitializer(init: TInitializer, seed: number, where: string): Initializer {
  const s = typeof init.config.seed === 'number' ? init.config.seed : seed;
  switch (init.name) {
    case 'glorot_uniform':
      return initializers.glorotUniform({ seed: s });
    case 'glorot_normal':
      return initializers.glorotNormal({ seed: s });
    case 'he_uniform':
      return initializers.heUniform({ seed: s });
    case 'he_normal':
      return initializers.heNormal({ seed: s });
    case 'lecun_uniform':
      return initializers.leCunUniform({ seed: s });
    case 'lecun_normal':
      return initializers.leCunNormal({ seed: s });
    case 'zeros':
      return initializers.zeros();
    case 'ones':
      return initializers.ones();
    case 'constant':
      return initializers.constant({ value: arg(init, ['value'], 0) });
    case 'random_normal':
      return initializers.randomNormal({ mean: arg(init, ['mean'], 0), stddev: arg(init, ['stddev'], 0.05), seed: s });
    case 'random_uniform':
      return initializers.randomUniform({ minval: arg(init, ['minval'], -0.05), maxval: arg(init, ['maxval'], 0.05), seed: s });
    case 'truncated_normal':
      return initializers.truncatedNormal({ mean: arg(init, ['mean'], 0), stddev: arg(init, ['stddev'], 0.05), seed: s });
    case 'orthogonal':
      return orthogonal(arg(init, ['gain'], 1), s);
    case 'identity':
      return initializers.identity({ gain: arg(init, ['gain'], 1) });
    default: {
      const name: never = init.name;
      throw new TrainerSpecError(`${where}: unknown initializer ${String(name)}`);
    }
  }
}

export function toRegularizer(r: TRegularizer): Regularizer | undefined {
  if (r === null || (r.l1 === 0 && r.l2 === 0)) return undefined;
  return regularizers.l1l2({ l1: r.l1, l2: r.l2 });
}

/**
 * Keras' Orthogonal initializer. tfjs-layers' own one calls a chained tensor method that its Node bundle never
 * registers (it fails with "rMat.flatten is not a function"), so the QR step is done here (modified Gram-Schmidt).
 */
function orthogonal(gain: number, seed: number): Initializer {
  const init = initializers.orthogonal({ gain, seed });
  init.apply = (shape: number[]) => {
    const cols = shape[shape.length - 1] ?? 1;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const [n, m] = rows >= cols ? [rows, cols] : [cols, rows]; // n x m with n >= m: orthonormal columns
    const normal = tf.tidy(() => tf.randomNormal([n, m], 0, 1, 'float32', seed).dataSync());
    const q = Float64Array.from(normal); // row-major n x m
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i * m + j] * q[i * m + k];
        for (let i = 0; i < n; i++) q[i * m + j] -= dot * q[i * m + k];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += q[i * m + j] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) q[i * m + j] /= norm;
    }
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[r * m + c] : q[c * m + r]);
    }
    return tf.tensor(out, shape);
  };
  return init;
}
