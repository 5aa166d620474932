import * as tf from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import { deriveSeed } from './seeds';

/**
 * Keras's preprocessing and augmentation layers that tfjs lacks (or has with other semantics): Rescaling, Resizing,
 * Normalization with a given mean and variance, RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomCrop,
 * and Subtract. The random ones act only while training (identity otherwise, except RandomCrop's centred crop), each
 * call with a fresh seed derived from the layer's seed and a counter, so a run repeats exactly.
 */

type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];
const Layer = layers.Layer;

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
}

function singleShape(s: Shape | Shape[]): Shape {
  return Array.isArray(s[0]) || s[0] === undefined ? ((s as Shape[])[0] ?? []) : (s as Shape);
}

/** `x * scale + offset`. */
export class EpochRescaling extends Layer {
  static className = 'EpochRescaling';
  constructor(private readonly args: { name: string; scale: number; offset: number }) {
    super({ name: args.name });
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = single(inputs);
    return tf.tidy(() => tf.add(tf.mul(x, this.args.scale), this.args.offset));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.args.scale, offset: this.args.offset };
  }
}

/** Keras's Resizing: tf.image.resize with half-pixel centres, no antialiasing. */
function resize(x: tf.Tensor4D, height: number, width: number, interpolation: 'bilinear' | 'nearest'): tf.Tensor4D {
  return interpolation === 'bilinear'
    ? tf.image.resizeBilinear(x, [height, width], false, true)
    : tf.image.resizeNearestNeighbor(x, [height, width], false, true);
}

export class EpochResizing extends Layer {
  static className = 'EpochResizing';
  constructor(private readonly args: { name: string; height: number; width: number; interpolation: 'bilinear' | 'nearest' }) {
    super({ name: args.name });
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape);
    return [s[0] ?? null, this.args.height, this.args.width, s[3] ?? null];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = single(inputs) as tf.Tensor4D;
    return tf.tidy(() => resize(x, this.args.height, this.args.width, this.args.interpolation));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.args.height, width: this.args.width, interpolation: this.args.interpolation };
  }
}

/** `(x - mean) / max(sqrt(variance), 1e-7)` over the last axis, as Keras's Normalization with a given mean/variance. */
export class EpochNormalization extends Layer {
  static className = 'EpochNormalization';
  constructor(private readonly args: { name: string; mean: number[]; variance: number[] }) {
    super({ name: args.name });
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = single(inputs);
    return tf.tidy(() => {
      const mean = tf.tensor1d(this.args.mean);
      const std = tf.maximum(tf.sqrt(tf.tensor1d(this.args.variance)), 1e-7);
      return tf.div(tf.sub(x, mean), std);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mean: this.args.mean, variance: this.args.variance };
  }
}

/** Base of the random layers: a fresh seed per training call, derived from the layer's seed. */
abstract class SeededRandomLayer extends Layer {
  private calls = 0;
  constructor(
    name: string,
    protected readonly seed: number,
  ) {
    super({ name });
  }
  protected nextSeed(): number {
    return deriveSeed(this.seed, this.calls++);
  }
  /** n uniform numbers in [lo, hi), from one seeded draw. */
  protected uniform(n: number, lo: number, hi: number, seed: number): Float32Array {
    return tf.tidy(() => tf.randomUniform([n], lo, hi, 'float32', seed).dataSync() as Float32Array);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}

/** Flips each image (independently, with probability 1/2) left-right and/or upside down while training. */
export class EpochRandomFlip extends SeededRandomLayer {
  static className = 'EpochRandomFlip';
  constructor(private readonly args: { name: string; mode: 'horizontal' | 'vertical' | 'horizontal_and_vertical'; seed: number }) {
    super(args.name, args.seed);
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = single(inputs) as tf.Tensor4D;
    if (kwargs.training !== true) return x;
    const n = x.shape[0];
    const seed = this.nextSeed();
    return tf.tidy(() => {
      let y: tf.Tensor4D = x;
      // Keras draws one number per image and axis and flips where it is at most 1/2: left-right first, then upside down.
      const axes: (1 | 2)[] = [...(this.args.mode !== 'vertical' ? [2 as const] : []), ...(this.args.mode !== 'horizontal' ? [1 as const] : [])];
      axes.forEach((axis, k) => {
        const draw = this.uniform(n, 0, 1, deriveSeed(seed, k));
        const mask = tf.tensor4d(
          Array.from(draw, (u) => (u <= 0.5 ? 1 : 0)),
          [n, 1, 1, 1],
          'bool',
        );
        y = tf.where(tf.broadcastTo(mask, y.shape), tf.reverse(y, axis), y);
      });
      return y;
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.args.mode };
  }
}

type TFillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';
type TInterpolation = 'bilinear' | 'nearest';
export type TAffineKind =
  | { kind: 'rotation'; factor: [number, number] }
  | { kind: 'zoom'; heightFactor: [number, number]; widthFactor: [number, number] | null }
  | { kind: 'translation'; heightFactor: [number, number]; widthFactor: [number, number] };

/**
 * RandomRotation, RandomZoom and RandomTranslation: one random projective transform per image while training, with
 * Keras's matrices (about the image centre) and its fill mode and interpolation (tf.image.transform).
 */
export class EpochRandomAffine extends SeededRandomLayer {
  static className = 'EpochRandomAffine';
  constructor(
    private readonly args: { name: string; seed: number; transform: TAffineKind; fillMode: TFillMode; interpolation: TInterpolation; fillValue: number },
  ) {
    super(args.name, args.seed);
  }

  /** Rows of 8 numbers [a0, a1, a2, b0, b1, b2, c0, c1] for tf.image.transform. */
  private matrices(n: number, h: number, w: number, seed: number): number[] {
    const t = this.args.transform;
    const out: number[] = [];
    if (t.kind === 'rotation') {
      const angles = this.uniform(n, t.factor[0] * 2 * Math.PI, t.factor[1] * 2 * Math.PI, seed);
      for (const a of angles) {
        const cos = Math.cos(a);
        const sin = Math.sin(a);
        const x = (w - 1 - (cos * (w - 1) - sin * (h - 1))) / 2;
        const y = (h - 1 - (sin * (w - 1) + cos * (h - 1))) / 2;
        out.push(cos, -sin, x, sin, cos, y, 0, 0);
      }
    } else if (t.kind === 'zoom') {
      const hz = this.uniform(n, 1 + t.heightFactor[0], 1 + t.heightFactor[1], seed);
      const wz = t.widthFactor ? this.uniform(n, 1 + t.widthFactor[0], 1 + t.widthFactor[1], deriveSeed(seed, 1)) : hz;
      for (let i = 0; i < n; i++) {
        const zx = wz[i] ?? 1;
        const zy = hz[i] ?? 1;
        out.push(zx, 0, ((w - 1) / 2) * (1 - zx), 0, zy, ((h - 1) / 2) * (1 - zy), 0, 0);
      }
    } else {
      const dy = this.uniform(n, t.heightFactor[0], t.heightFactor[1], seed);
      const dx = this.uniform(n, t.widthFactor[0], t.widthFactor[1], deriveSeed(seed, 1));
      for (let i = 0; i < n; i++) out.push(1, 0, -(dx[i] ?? 0) * w, 0, 1, -(dy[i] ?? 0) * h, 0, 0);
    }
    return out;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = single(inputs) as tf.Tensor4D;
    if (kwargs.training !== true) return x;
    const [n, h, w] = x.shape;
    const seed = this.nextSeed();
    return tf.tidy(() =>
      tf.image.transform(x, tf.tensor2d(this.matrices(n, h, w, seed), [n, 8]), this.args.interpolation, this.args.fillMode, this.args.fillValue),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { transform, fillMode, interpolation, fillValue } = this.args;
    return { ...super.getConfig(), transform: { ...transform }, fillMode, interpolation, fillValue };
  }
}

/**
 * Keras's RandomCrop: while training, one random height×width window per batch (images smaller than that are
 * resized); otherwise the largest centred window with the target's aspect ratio, resized to it.
 */
export class EpochRandomCrop extends SeededRandomLayer {
  static className = 'EpochRandomCrop';
  constructor(private readonly args: { name: string; height: number; width: number; seed: number }) {
    super(args.name, args.seed);
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(inputShape);
    return [s[0] ?? null, this.args.height, this.args.width, s[3] ?? null];
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = single(inputs) as tf.Tensor4D;
    const [n, h, w, c] = x.shape;
    const { height, width } = this.args;
    return tf.tidy(() => {
      if (kwargs.training === true && h >= height && w >= width) {
        const [top = 0, left = 0] = this.uniform(2, 0, 1, this.nextSeed());
        const y0 = Math.min(h - height, Math.floor(top * (h - height + 1)));
        const x0 = Math.min(w - width, Math.floor(left * (w - width + 1)));
        return tf.slice(x, [0, y0, x0, 0], [n, height, width, c]);
      }
      const cropH = Math.max(1, Math.min(h, Math.floor((w * height) / width)));
      const cropW = Math.max(1, Math.min(w, Math.floor((h * width) / height)));
      const y0 = Math.floor((h - cropH) / 2);
      const x0 = Math.floor((w - cropW) / 2);
      const window = tf.slice(x, [0, y0, x0, 0], [n, cropH, cropW, c]);
      return cropH === height && cropW === width ? window : resize(window, height, width, 'bilinear');
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.args.height, width: this.args.width };
  }
}

/** Keras's Subtract (tfjs has none): the first input minus the second. */
export class EpochSubtract extends Layer {
  static className = 'EpochSubtract';
  constructor(args: { name: string }) {
    super({ name: args.name });
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [a = [], b = []] = inputShape as Shape[];
    return a.map((d, i) => (d === 1 ? (b[i] ?? d) : d));
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [a, b] = inputs as tf.Tensor[];
    if (!a || !b) throw new Error('Subtract needs two inputs');
    return tf.tidy(() => tf.sub(a, b));
  }
}

for (const c of [EpochRescaling, EpochResizing, EpochNormalization, EpochRandomFlip, EpochRandomAffine, EpochRandomCrop, EpochSubtract]) {
  tf.serialization.registerClass(c as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}
