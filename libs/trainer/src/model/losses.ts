import type { TLossSpec } from '@epoch/contracts';
import * as tf from '@tensorflow/tfjs-core';

const EPSILON = 1e-7;
export type TLossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Keras loss (per-sample values; tfjs-layers averages them). Labels are always fed one-hot, so the sparse variant is the
 * categorical one on one-hot labels, which is the same number.
 */
export function toLoss(spec: TLossSpec): TLossFn {
  switch (spec.name) {
    case 'categorical_crossentropy':
      return (yTrue, yPred) => crossEntropy(yTrue, yPred, spec.fromLogits, spec.labelSmoothing);
    case 'sparse_categorical_crossentropy':
      return (yTrue, yPred) => crossEntropy(yTrue, yPred, spec.fromLogits, 0);
    case 'mean_squared_error':
      return (yTrue, yPred) => tf.mean(tf.squaredDifference(yTrue, yPred), -1);
    case 'kl_divergence':
      return (yTrue, yPred) => {
        const t = tf.clipByValue(yTrue, EPSILON, 1);
        const p = tf.clipByValue(yPred, EPSILON, 1);
        return tf.sum(tf.mul(t, tf.log(tf.div(t, p))), -1);
      };
    default: {
      const name: never = spec.name;
      throw new Error(`unknown loss ${String(name)}`);
    }
  }
}

function crossEntropy(yTrue: tf.Tensor, yPred: tf.Tensor, fromLogits: boolean, smoothing: number): tf.Tensor {
  const classes = yTrue.shape[yTrue.shape.length - 1] ?? 1;
  const t = smoothing > 0 ? tf.add(tf.mul(yTrue, 1 - smoothing), smoothing / classes) : yTrue;
  if (fromLogits) return tf.neg(tf.sum(tf.mul(t, tf.logSoftmax(yPred, -1)), -1));
  const p = tf.clipByValue(tf.div(yPred, tf.sum(yPred, -1, true)), EPSILON, 1 - EPSILON);
  return tf.neg(tf.sum(tf.mul(t, tf.log(p)), -1));
}

/** Fraction of samples whose arg-max prediction is the labelled class (per sample: 1 or 0). */
export function accuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), 'float32');
}
