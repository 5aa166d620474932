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
const base = { name: z.string().min(1), source: ZSourcePosition.optional() };

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

export const ZModelSpec = z.object({
  /** Keras-style input shape without the batch dimension, e.g. [32, 32, 3]. */
  inputShape: z.array(z.number().int().min(1)).min(1),
  layers: z.array(ZLayerSpec),
  optimizer: ZOptimizerSpec,
  loss: ZLossSpec,
  metrics: z.array(z.string()),
  epochs: z.number().int().min(1),
  batchSize: z.number().int().min(1),
});
export type TModelSpec = z.infer<typeof ZModelSpec>;
