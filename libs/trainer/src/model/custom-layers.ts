import * as tf from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { deriveSeed } from './seeds';

type Kwargs = Record<string, unknown>;
const Layer = layers.Layer;

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
}

/**
 * Dropout / SpatialDropout2D with reproducible masks. tfjs's Dropout with a fixed seed draws the SAME mask at every step
 * (and without one it is unseeded), so each training call here derives a fresh seed from the layer seed and a counter.
 */
export class SeededDropout extends Layer {
  static className = 'EpochSeededDropout';
  private readonly rate: number;
  private readonly seed: number;
  private readonly spatial: boolean;
  private calls = 0;

  constructor(args: { name: string; rate: number; seed: number; spatial: boolean }) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
    this.spatial = args.spatial;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = single(inputs);
    if (kwargs.training !== true || this.rate === 0) return x;
    const seed = deriveSeed(this.seed, this.calls++);
    return tf.tidy(() => {
      const shape = this.spatial && x.rank === 4 ? [x.shape[0] ?? 1, 1, 1, x.shape[3] ?? 1] : x.shape;
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(shape, 0, 1, 'float32', seed), this.rate), 'float32');
      return tf.mul(x, tf.div(keep, 1 - this.rate));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, spatial: this.spatial };
  }
}

/** Keras ReLU with max_value, negative_slope and threshold (tfjs's ReLU layer has only maxValue). */
export class KerasReLU extends Layer {
  static className = 'EpochReLU';
  constructor(private readonly args: { name: string; maxValue: number | null; negativeSlope: number; threshold: number }) {
    super({ name: args.name });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = single(inputs);
    const { maxValue, negativeSlope, threshold } = this.args;
    return tf.tidy(() => {
      const below = negativeSlope === 0 ? tf.zerosLike(x) : tf.mul(tf.sub(x, threshold), negativeSlope);
      let y = tf.where(tf.greaterEqual(x, threshold), x, below);
      if (maxValue !== null) y = tf.minimum(y, maxValue);
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxValue: this.args.maxValue, negativeSlope: this.args.negativeSlope, threshold: this.args.threshold };
  }
}

tf.serialization.registerClass(SeededDropout);
tf.serialization.registerClass(KerasReLU);
