import type { TOptimizerSpec } from '@epoch/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE_KERNEL, type TAdamUpdateAttrs } from '../kernels/adam.kernel';
import { TrainerSpecError } from './errors';

function num(spec: TOptimizerSpec, names: string[], fallback: number): number {
  for (const n of names) {
    const v = spec.config[n];
    if (typeof v === 'number') return v;
  }
  return fallback;
}

function bool(spec: TOptimizerSpec, names: string[], fallback: boolean): boolean {
  for (const n of names) {
    const v = spec.config[n];
    if (typeof v === 'boolean') return v;
  }
  return fallback;
}

type TOptimizerGradients = Parameters<tf.Optimizer['applyGradients']>[0];
type TAdamGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

function variableNames(vg: TOptimizerGradients | TAdamGradients): string[] {
  return Array.isArray(vg) ? vg.map((v) => v.name) : Object.keys(vg);
}

/** What tfjs's AdamOptimizer keeps (private in its typings). */
interface TAdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * tfjs's Adam (same state, weights, serialization and class name), whose step runs as one kernel per variable on the
 * wasm backend (Epoch's EpochAdamUpdate: the same float32 arithmetic in the same order, so the same bits, instead of a
 * dozen kernels per variable); on other backends it is tfjs's own.
 */
export class EpochAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: TAdamGradients): void {
    if (tf.getBackend() !== 'wasm' || !tf.getKernel(ADAM_UPDATE_KERNEL, 'wasm')) {
      super.applyGradients(variableGradients);
      return;
    }
    const st = this as unknown as TAdamState;
    const names = variableNames(variableGradients);
    const attrs: TAdamUpdateAttrs = { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, learningRate: this.learningRate };
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, st.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, st.accBeta2);
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        if (!value) return;
        st.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        st.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i]?.tensor : variableGradients[name];
        if (!gradient) return;
        const m = st.accumulatedFirstMoment[i].variable;
        const v = st.accumulatedSecondMoment[i].variable;
        const [w2, m2, v2] = tf
          .engine()
          .runKernel(ADAM_UPDATE_KERNEL, { value, m, v, gradient, oneMinusAccBeta1, oneMinusAccBeta2 }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m2 as tf.Tensor);
        v.assign(v2 as tf.Tensor);
        value.assign(w2 as tf.Tensor);
      });
      st.accBeta1.assign(tf.mul(st.accBeta1, this.beta1));
      st.accBeta2.assign(tf.mul(st.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

/** Keras AdamW: Adam with decoupled weight decay, w -= lr * wd * w before each Adam step. */
export class AdamWOptimizer extends EpochAdamOptimizer {
  static override get className(): string {
    return 'EpochAdamW';
  }
  constructor(
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    private readonly weightDecay: number,
  ) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: TAdamGradients): void {
    const factor = 1 - this.learningRate * this.weightDecay;
    tf.tidy(() => {
      for (const name of variableNames(variableGradients)) {
        const v = tf.engine().registeredVariables[name];
        if (v) v.assign(tf.mul(v, factor));
      }
    });
    super.applyGradients(variableGradients);
  }
}

/** Keras 3 Nadam (Adam with Nesterov momentum and the 0.96^t momentum schedule); tfjs has none. */
export class NadamOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'EpochNadam';
  }
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private uProduct = 1;

  constructor(
    readonly learningRate: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
  ) {
    super();
  }

  applyGradients(variableGradients: TOptimizerGradients): void {
    const pairs = Array.isArray(variableGradients) ? variableGradients.map((g) => [g.name, g.tensor] as const) : Object.entries(variableGradients);
    const step = this.iterations + 1;
    const uT = this.beta1 * (1 - 0.5 * 0.96 ** step);
    const uT1 = this.beta1 * (1 - 0.5 * 0.96 ** (step + 1));
    const uProductT = this.uProduct * uT;
    const uProductT1 = uProductT * uT1;
    const beta2Power = this.beta2 ** step;
    tf.tidy(() => {
      for (const [name, g] of pairs) {
        const variable = tf.engine().registeredVariables[name];
        if (!variable || !g) continue;
        let m = this.m.get(name);
        let v = this.v.get(name);
        if (!m || !v) {
          m = tf.variable(tf.zerosLike(variable), false);
          v = tf.variable(tf.zerosLike(variable), false);
          this.m.set(name, m);
          this.v.set(name, v);
        }
        const mNew = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const vNew = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(mNew);
        v.assign(vNew);
        const mHat = tf.add(tf.mul(mNew, uT1 / (1 - uProductT1)), tf.mul(g, (1 - uT) / (1 - uProductT)));
        const vHat = tf.div(vNew, 1 - beta2Power);
        variable.assign(tf.sub(variable, tf.div(tf.mul(mHat, this.learningRate), tf.add(tf.sqrt(vHat), this.epsilon))));
      }
    });
    this.uProduct = uProductT;
    this.incrementIterations();
  }

  override dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * Keras 2's `decay=`: the learning rate of step t (counting from 0) is lr / (1 + decay * t), as Keras 2's optimizers
 * computed it before each update. Applied to any optimizer by setting its rate before each step.
 */
export function withLearningRateDecay(optimizer: tf.Optimizer, learningRate: number, decay: number): tf.Optimizer {
  if (!(decay > 0)) return optimizer;
  const step = optimizer.applyGradients.bind(optimizer);
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  optimizer.applyGradients = (variableGradients) => {
    const lr = learningRate / (1 + decay * optimizer.iterations);
    if (typeof target.setLearningRate === 'function') target.setLearningRate(lr);
    else target.learningRate = lr;
    step(variableGradients);
  };
  return optimizer;
}

/** Keras optimizer (resolved spec) -> tfjs optimizer with the same arguments and Keras defaults. */
export function toOptimizer(spec: TOptimizerSpec): tf.Optimizer {
  return withLearningRateDecay(baseOptimizer(spec), spec.learningRate, num(spec, ['decay'], 0));
}

function baseOptimizer(spec: TOptimizerSpec): tf.Optimizer {
  const lr = spec.learningRate;
  const eps = num(spec, ['epsilon'], 1e-7);
  const b1 = num(spec, ['beta_1', 'beta1'], 0.9);
  const b2 = num(spec, ['beta_2', 'beta2'], 0.999);
  if (bool(spec, ['amsgrad'], false)) throw new TrainerSpecError(`optimizer ${spec.name}: amsgrad=True is not supported by the trainer`);
  switch (spec.name) {
    case 'sgd': {
      const momentum = num(spec, ['momentum'], 0);
      const nesterov = bool(spec, ['nesterov'], false);
      return momentum > 0 || nesterov ? tf.train.momentum(lr, momentum, nesterov) : tf.train.sgd(lr);
    }
    case 'adam':
      return new EpochAdamOptimizer(lr, b1, b2, eps);
    case 'adamw':
      return new AdamWOptimizer(lr, b1, b2, eps, num(spec, ['weight_decay', 'weightDecay'], 0.004));
    case 'rmsprop':
      return tf.train.rmsprop(lr, num(spec, ['rho'], 0.9), num(spec, ['momentum'], 0), eps, bool(spec, ['centered'], false));
    case 'adagrad':
      return tf.train.adagrad(lr, num(spec, ['initial_accumulator_value', 'initialAccumulatorValue'], 0.1));
    case 'adadelta':
      return tf.train.adadelta(lr, num(spec, ['rho'], 0.95), eps);
    case 'adamax':
      return tf.train.adamax(lr, b1, b2, eps, 0);
    case 'nadam':
      return new NadamOptimizer(lr, b1, b2, eps);
    default: {
      const name: never = spec.name;
      throw new TrainerSpecError(`unknown optimizer ${String(name)}`);
    }
  }
}
