import { z } from 'zod';

/**
 * ModelSpec: what Epoch extracts from a student's Keras-style source. Every argument is fully resolved
 * (Keras defaults applied), so the trainer never has to know Keras's defaults or argument order.
 * The trainer builds models from this, never from the raw source.
 */

export const ZSourcePosition = z.object({ line: z.number().int().min(1), column: z.number().int().min(1) });
export type TSourcePosition = z.infer<typeof ZSourcePosition>;

export const ZActivation = z.enum(['linear', 'relu', 'sigmoid', 'softmax', 'tanh', 'elu', 'selu', 'softplus', 'leaky_relu']);
export type TActivation = z.infer<typeof ZActivation>;

/** Keras initializer by its snake_case name, e.g. glorot_uniform, he_normal, zeros; config holds its numeric args and seed. */
export const ZInitializer = z.object({
  name: z.enum([
    'glorot_uniform',
    'glorot_normal',
    'he_uniform',
    'he_normal',
    'lecun_uniform',
    'lecun_normal',
    'zeros',
    'ones',
    'constant',
    'random_normal',
    'random_uniform',
    'truncated_normal',
    'orthogonal',
    'identity',
  ]),
  config: z.record(z.string(), z.union([z.number(), z.null()])).default({}),
});
export type TInitializer = z.infer<typeof ZInitializer>;

/** L1/L2 regularizer; `null` where the layer has none. */
export const ZRegularizer = z.object({ l1: z.number().min(0), l2: z.number().min(0) }).nullable();
export type TRegularizer = z.infer<typeof ZRegularizer>;

const pair = z.tuple([z.number().int().min(1), z.number().int().min(1)]);

/** The name by which a layer's `inputs` refer to the model's input (no layer may be named so). */
export const MODEL_INPUT_NAME = 'input';

const base = {
  name: z.string().min(1),
  source: ZSourcePosition.optional(),
  /**
   * Functional models only: the layers (by name, or MODEL_INPUT_NAME for the model's input) whose outputs this layer
   * takes. Absent: the output of the layer before it (the model's input for the first layer), as in a Sequential
   * model, so a Sequential spec never has this field. Merge layers (Add, Concatenate, ...) list two or more.
   */
  inputs: z.array(z.string().min(1)).min(1).max(16).optional(),
};

export const ZConv2DLayer = z.object({
  ...base,
  type: z.literal('Conv2D'),
  filters: z.number().int().min(1),
  kernelSize: pair,
  strides: pair,
  padding: z.enum(['valid', 'same']),
  dilationRate: pair,
  activation: ZActivation,
  useBias: z.boolean(),
  kernelInitializer: ZInitializer,
  biasInitializer: ZInitializer,
  kernelRegularizer: ZRegularizer,
  biasRegularizer: ZRegularizer,
});
export const ZDenseLayer = z.object({
  ...base,
  type: z.literal('Dense'),
  units: z.number().int().min(1),
  activation: ZActivation,
  useBias: z.boolean(),
  kernelInitializer: ZInitializer,
  biasInitializer: ZInitializer,
  kernelRegularizer: ZRegularizer,
  biasRegularizer: ZRegularizer,
});
export const ZPooling2DLayer = z.object({
  ...base,
  type: z.enum(['MaxPooling2D', 'AveragePooling2D']),
  poolSize: pair,
  strides: pair,
  padding: z.enum(['valid', 'same']),
});
export const ZGlobalPooling2DLayer = z.object({ ...base, type: z.enum(['GlobalAveragePooling2D', 'GlobalMaxPooling2D']) });
export const ZFlattenLayer = z.object({ ...base, type: z.literal('Flatten') });
export const ZDropoutLayer = z.object({
  ...base,
  type: z.enum(['Dropout', 'SpatialDropout2D']),
  rate: z.number().min(0).lt(1),
  seed: z.number().int().nullable(),
});
export const ZBatchNormalizationLayer = z.object({
  ...base,
  type: z.literal('BatchNormalization'),
  axis: z.number().int(),
  momentum: z.number(),
  epsilon: z.number().positive(),
  center: z.boolean(),
  scale: z.boolean(),
  betaInitializer: ZInitializer,
  gammaInitializer: ZInitializer,
  movingMeanInitializer: ZInitializer,
  movingVarianceInitializer: ZInitializer,
});
export const ZActivationLayer = z.object({ ...base, type: z.literal('Activation'), activation: ZActivation });
export const ZReLULayer = z.object({
  ...base,
  type: z.literal('ReLU'),
  maxValue: z.number().nullable(),
  negativeSlope: z.number(),
  threshold: z.number(),
});
export const ZLeakyReLULayer = z.object({ ...base, type: z.literal('LeakyReLU'), negativeSlope: z.number() });
export const ZReshapeLayer = z.object({ ...base, type: z.literal('Reshape'), targetShape: z.array(z.number().int()).min(1) });
/** padding: [[top, bottom], [left, right]] */
export const ZZeroPadding2DLayer = z.object({
  ...base,
  type: z.literal('ZeroPadding2D'),
  padding: z.tuple([z.tuple([z.number().int().min(0), z.number().int().min(0)]), z.tuple([z.number().int().min(0), z.number().int().min(0)])]),
});

/** Rescaling: `x * scale + offset` (e.g. 1/255 to bring pixels to 0..1). */
export const ZRescalingLayer = z.object({ ...base, type: z.literal('Rescaling'), scale: z.number(), offset: z.number() });
/** Resizing: every image to height×width (Keras's resize with half-pixel centers). */
export const ZResizingLayer = z.object({
  ...base,
  type: z.literal('Resizing'),
  height: z.number().int().min(1),
  width: z.number().int().min(1),
  interpolation: z.enum(['bilinear', 'nearest']),
});
/** Normalization with a given mean and variance (one value, or one per channel of the last axis). */
export const ZNormalizationLayer = z.object({
  ...base,
  type: z.literal('Normalization'),
  mean: z.array(z.number()).min(1),
  variance: z.array(z.number().min(0)).min(1),
});
const fillMode = z.enum(['reflect', 'wrap', 'constant', 'nearest']);
const interpolation = z.enum(['bilinear', 'nearest']);
const range = z.tuple([z.number(), z.number()]);
const seed = z.number().int().min(0).nullable();
/** Augmentation layers: active only while training (seeded from the run's seed unless `seed` is given), identity otherwise. */
export const ZRandomFlipLayer = z.object({
  ...base,
  type: z.literal('RandomFlip'),
  mode: z.enum(['horizontal', 'vertical', 'horizontal_and_vertical']),
  seed,
});
/** factor: the rotation range as fractions of a full turn, e.g. [-0.1, 0.1]. */
export const ZRandomRotationLayer = z.object({
  ...base,
  type: z.literal('RandomRotation'),
  factor: range,
  fillMode,
  interpolation,
  fillValue: z.number(),
  seed,
});
/** Factors as fractions: positive zooms out; widthFactor null keeps the aspect ratio (the height's zoom for both). */
export const ZRandomZoomLayer = z.object({
  ...base,
  type: z.literal('RandomZoom'),
  heightFactor: range,
  widthFactor: range.nullable(),
  fillMode,
  interpolation,
  fillValue: z.number(),
  seed,
});
/** Factors as fractions of the height and width. */
export const ZRandomTranslationLayer = z.object({
  ...base,
  type: z.literal('RandomTranslation'),
  heightFactor: range,
  widthFactor: range,
  fillMode,
  interpolation,
  fillValue: z.number(),
  seed,
});
/** A random height×width window while training; at inference the largest centred window of that aspect, resized. */
export const ZRandomCropLayer = z.object({
  ...base,
  type: z.literal('RandomCrop'),
  height: z.number().int().min(1),
  width: z.number().int().min(1),
  seed,
});
export const ZSoftmaxLayer = z.object({ ...base, type: z.literal('Softmax'), axis: z.literal(-1) });
/** Element-wise merges of two or more inputs of the same shape. */
export const ZMergeLayer = z.object({ ...base, type: z.enum(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']) });
export const ZConcatenateLayer = z.object({ ...base, type: z.literal('Concatenate'), axis: z.number().int() });

export const ZLayerSpec = z.union([
  ZConv2DLayer,
  ZDenseLayer,
  ZPooling2DLayer,
  ZGlobalPooling2DLayer,
  ZFlattenLayer,
  ZDropoutLayer,
  ZBatchNormalizationLayer,
  ZActivationLayer,
  ZReLULayer,
  ZLeakyReLULayer,
  ZReshapeLayer,
  ZZeroPadding2DLayer,
  ZRescalingLayer,
  ZResizingLayer,
  ZNormalizationLayer,
  ZRandomFlipLayer,
  ZRandomRotationLayer,
  ZRandomZoomLayer,
  ZRandomTranslationLayer,
  ZRandomCropLayer,
  ZSoftmaxLayer,
  ZMergeLayer,
  ZConcatenateLayer,
]);
export type TLayerSpec = z.infer<typeof ZLayerSpec>;
export type TLayerType = TLayerSpec['type'];

export const ZOptimizerName = z.enum(['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam']);
export type TOptimizerName = z.infer<typeof ZOptimizerName>;

/** Optimizer with Keras's lower-case name, resolved learning rate and its other arguments (momentum, beta_1, ...). */
export const ZOptimizerSpec = z.object({
  name: ZOptimizerName,
  learningRate: z.number().positive(),
  config: z.record(z.string(), z.union([z.number(), z.boolean(), z.null()])).default({}),
});
export type TOptimizerSpec = z.infer<typeof ZOptimizerSpec>;

export const ZLossSpec = z.object({
  name: z.enum(['categorical_crossentropy', 'sparse_categorical_crossentropy', 'mean_squared_error', 'kl_divergence']),
  fromLogits: z.boolean().default(false),
  labelSmoothing: z.number().min(0).max(1).default(0),
});
export type TLossSpec = z.infer<typeof ZLossSpec>;

const MERGE_TYPES = new Set<string>([...ZMergeLayer.shape.type.options, 'Concatenate']);

/** Whether a layer type combines several inputs (Add, Concatenate, ...). */
export const isMergeLayerType = (type: string): boolean => MERGE_TYPES.has(type);

/** The names of the outputs a layer takes: its `inputs`, or the layer before it (the model's input for the first). */
export function layerInputNames(layers: readonly { name: string; inputs?: string[] }[], index: number): string[] {
  const layer = layers[index];
  if (layer?.inputs) return layer.inputs;
  return [index === 0 ? MODEL_INPUT_NAME : (layers[index - 1]?.name ?? MODEL_INPUT_NAME)];
}

/**
 * The graph of a functional model must be one the trainer can build: unique names, inputs that are earlier layers (or
 * the model's input), merges with two or more inputs, every layer used on the way to the last one (the output).
 */
function checkGraph(layers: readonly TLayerSpec[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  const used = new Set<string>();
  layers.forEach((layer, i) => {
    const issue = (message: string, path: (string | number)[] = []) => ctx.addIssue({ code: 'custom', message, path: ['layers', i, ...path] });
    if (layer.name === MODEL_INPUT_NAME) issue(`'${MODEL_INPUT_NAME}' is the name of the model's input; a layer cannot have it`, ['name']);
    else if (seen.has(layer.name)) issue(`two layers are named '${layer.name}'`, ['name']);
    const inputs = layerInputNames(layers, i);
    for (const name of inputs) {
      if (name !== MODEL_INPUT_NAME && !seen.has(name)) issue(`input '${name}' is not an earlier layer`, ['inputs']);
      used.add(name);
    }
    if (isMergeLayerType(layer.type) ? inputs.length < 2 || (layer.type === 'Subtract' && inputs.length !== 2) : inputs.length !== 1) {
      issue(
        `a ${layer.type} layer takes ${isMergeLayerType(layer.type) ? (layer.type === 'Subtract' ? 'two inputs' : 'two or more inputs') : 'one input'}, got ${inputs.length}`,
        ['inputs'],
      );
    }
    seen.add(layer.name);
  });
  layers.forEach((layer, i) => {
    if (i < layers.length - 1 && !used.has(layer.name))
      ctx.addIssue({ code: 'custom', message: `layer '${layer.name}' does not lead to the model's output`, path: ['layers', i] });
  });
}

export const ZModelSpec = z
  .object({
    /** Keras-style input shape without the batch dimension, e.g. [32, 32, 3]. */
    inputShape: z.array(z.number().int().min(1)).min(1),
    /** In order: each layer's inputs come before it; the last layer is the model's output. */
    layers: z.array(ZLayerSpec),
    optimizer: ZOptimizerSpec,
    loss: ZLossSpec,
    metrics: z.array(z.string()),
    epochs: z.number().int().min(1),
    batchSize: z.number().int().min(1),
  })
  .superRefine((spec, ctx) => checkGraph(spec.layers, ctx));
export type TModelSpec = z.infer<typeof ZModelSpec>;
