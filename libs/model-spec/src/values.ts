import type { SyntaxNode } from '@lezer/common';
import type { TActivation, TInitializer, TLayerSpec, TLossSpec, TOptimizerSpec, TRegularizer } from '@epoch/contracts';
import type { TSpan } from './diagnostic-sink';

/** A layer as written, before shapes are known. `spec` is fully resolved except for auto-generated names. */
export interface TLayerInstance {
  spec: TLayerSpec;
  span: TSpan;
  /** From `input_shape=` / `input_dim=` on the layer (Keras uses it when the layer is first). */
  inputShape?: number[];
  nameGiven: boolean;
  /** Set once the layer is called on a tensor (functional API) or put in a model: a layer object is used once. */
  used?: 'model' | 'tensor';
}

export interface TCompileInfo {
  optimizer: TOptimizerSpec;
  loss: TLossSpec;
  metrics: string[];
  span: TSpan;
  optimizerSpan: TSpan;
}
export interface TFitInfo {
  epochs: number;
  batchSize: number;
  span: TSpan;
  epochsSpan: TSpan;
}

/** A model under construction: every value bound to it points at the same state (Python aliasing). */
export interface TModelState {
  id: number;
  varName: string | null;
  span: TSpan;
  layers: TLayerInstance[];
  /**
   * Functional models (keras.Model(inputs, outputs)): for each layer, the layers whose outputs it takes (indices into
   * `layers`, -1 for the model's input). Absent for Sequential models.
   */
  inputsOf?: number[][];
  /** Used as a layer of another model (nested Sequential): not a model of its own to check. */
  usedAsLayer?: boolean;
  inputShape?: { shape: number[]; span: TSpan };
  compiles: TCompileInfo[];
  fits: TFitInfo[];
  /** Set when a fit() was seen before any compile(): Keras raises there. */
  fitBeforeCompile?: TSpan;
  /** compile()/fit() calls whose arguments were wrong (already reported): they still count as present. */
  compileFailed?: boolean;
  /** A layer of it failed to build (already reported): its shapes would be misleading. */
  incomplete?: boolean;
  fitFailed?: boolean;
}

/** What an expression evaluates to in the safe subset. Nothing here can run code. */
export type TValue =
  | { kind: 'number'; value: number; isInt: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'seq'; seq: 'tuple' | 'list'; items: TValue[] }
  /** A module or a library name, by its normalized dotted path, e.g. `keras.layers.Dense`, `matplotlib.pyplot`. */
  | { kind: 'symbol'; path: string }
  | { kind: 'layer'; layer: TLayerInstance }
  | { kind: 'input'; shape: number[]; span: TSpan }
  /** The output of a layer called on an Input or on another layer's output (the functional API). */
  | { kind: 'tensor'; layer: TLayerInstance; from: TSymbolic[]; span: TSpan; seq: number; shape?: number[] | null }
  | TArrayValue
  | { kind: 'model'; model: TModelState }
  | { kind: 'optimizer'; spec: TOptimizerSpec }
  | { kind: 'loss'; spec: TLossSpec }
  | { kind: 'regularizer'; value: Exclude<TRegularizer, null> }
  | { kind: 'initializer'; value: TInitializer }
  | { kind: 'activation'; name: TActivation }
  | { kind: 'metric'; name: string }
  /** A tf.data dataset (the lesson's train_data, ...), already batched. */
  | { kind: 'dataset'; name: string }
  /** A function the student defined: run where it is called, when the checker can run it. */
  | { kind: 'user-function'; name: string; node?: SyntaxNode; params?: TFunctionParam[]; unsupported?: string }
  /** Comprehensions, lambdas and the like: code the checker will not run. */
  | { kind: 'unsafe'; reason: string }
  /** Anything else (undefined names, results of ignored calls): fine unless it reaches the model. */
  | { kind: 'unknown'; reason: string; reported?: true; undefinedCall?: string };

/** A NumPy array of known shape (null: a dimension not known, such as after a split), e.g. loaded data. */
export interface TArrayValue {
  kind: 'array';
  shape: (number | null)[];
  /** What it is, for messages: "the MNIST training images". */
  what: string;
  classes?: number;
  role?: 'images' | 'labels';
  oneHot?: boolean;
}

/** A parameter of a function the student defined, with its default (evaluated where the function is defined). */
export interface TFunctionParam {
  name: string;
  kind: 'normal' | 'keyword-only' | 'star' | 'star-star';
  default?: TValue;
}

/** What Keras layers are called on in the functional API. */
export type TSymbolic = Extract<TValue, { kind: 'input' }> | Extract<TValue, { kind: 'tensor' }>;
export const isSymbolic = (v: TValue): v is TSymbolic => v.kind === 'input' || v.kind === 'tensor';

export const NONE: TValue = { kind: 'none' };
export const num = (value: number): TValue => ({ kind: 'number', value, isInt: Number.isInteger(value) });
export const int = (value: number): TValue => ({ kind: 'number', value, isInt: true });
export const str = (value: string): TValue => ({ kind: 'string', value });
export const bool = (value: boolean): TValue => ({ kind: 'bool', value });
export const tuple = (...items: TValue[]): TValue => ({ kind: 'seq', seq: 'tuple', items });
export const unknown = (reason: string): TValue => ({ kind: 'unknown', reason });
/** A value whose problem was already reported where it was written: no second message downstream. */
export const reported = (reason: string): TValue => ({ kind: 'unknown', reason, reported: true });
export const isReported = (v: TValue): boolean => v.kind === 'unknown' && v.reported === true;

/** Python-ish rendering for messages, bounded so a huge list cannot flood the output. */
export function describe(v: TValue, depth = 0): string {
  switch (v.kind) {
    case 'number':
      return v.isInt || !Number.isInteger(v.value) ? String(v.value) : `${v.value}.0`;
    case 'string':
      return JSON.stringify(v.value.length > 40 ? `${v.value.slice(0, 40)}…` : v.value).replace(/^"|"$/g, "'");
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'seq': {
      if (depth > 2) return v.seq === 'list' ? '[…]' : '(…)';
      const shown = v.items.slice(0, 6).map((i) => describe(i, depth + 1));
      if (v.items.length > 6) shown.push('…');
      const body = shown.join(', ') + (v.seq === 'tuple' && v.items.length === 1 ? ',' : '');
      return v.seq === 'list' ? `[${body}]` : `(${body})`;
    }
    case 'symbol':
      return v.path;
    case 'layer':
      return `a ${v.layer.spec.type} layer`;
    case 'input':
      return 'an Input';
    case 'tensor':
      return `the output of a ${v.layer.spec.type} layer`;
    case 'array':
      return `${v.what} (an array of shape (${v.shape.map((d) => d ?? 'N').join(', ')}))`;
    case 'model':
      return `a ${v.model.inputsOf ? 'functional' : 'Sequential'} model${v.model.varName ? ` (${v.model.varName})` : ''}`;
    case 'optimizer':
      return `a ${v.spec.name} optimizer`;
    case 'loss':
      return `the ${v.spec.name} loss`;
    case 'regularizer':
      return 'a regularizer';
    case 'initializer':
      return `the ${v.value.name} initializer`;
    case 'activation':
      return `the ${v.name} activation`;
    case 'metric':
      return `the ${v.name} metric`;
    case 'dataset':
      return `the dataset ${v.name}`;
    case 'user-function':
      return `your function ${v.name}`;
    case 'unsafe':
      return v.reason;
    case 'unknown':
      return v.reason;
  }
}
