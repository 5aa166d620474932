import { layerInputNames, MODEL_INPUT_NAME, type TCheckCost, type TLayerSpec, type TModelSpec, type TOptimizerSpec } from '@epoch/contracts';
import type { TSpan } from './diagnostic-sink';
import type { TDiagnosticSink } from './diagnostic-types';
import { inferShapes, type TShapeResult } from './shape-inference';

const NO_SPAN: TSpan = { from: 0, to: 0 };
const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const FLOAT_BYTES = 4;

function layerMacs(spec: TLayerSpec, inputs: readonly (readonly number[])[], output: readonly number[]): number {
  const input = inputs[0] ?? [];
  switch (spec.type) {
    case 'Conv2D':
      // Every output value is a kh×kw×channels dot product.
      return product(output) * spec.kernelSize[0] * spec.kernelSize[1] * (input[2] ?? 0);
    case 'Dense':
      return product(output) * (input[input.length - 1] ?? 0);
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return product(output) * spec.poolSize[0] * spec.poolSize[1];
    case 'Resizing':
    case 'RandomRotation':
    case 'RandomZoom':
    case 'RandomTranslation':
      // Each output value interpolates (up to) four input values.
      return product(output) * (spec.interpolation === 'bilinear' ? 4 : 1);
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
      return product(output) * Math.max(1, inputs.length - 1);
    case 'Flatten':
    case 'Reshape':
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'Activation':
    case 'ReLU':
    case 'LeakyReLU':
    case 'BatchNormalization':
    case 'ZeroPadding2D':
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
    case 'Rescaling':
    case 'Normalization':
    case 'RandomFlip':
    case 'RandomCrop':
    case 'Softmax':
    case 'Concatenate':
      // Element-wise layers (activations, dropout, normalisation, pooling over everything, reshapes): one per value.
      return Math.max(product(input), product(output));
  }
}

/** Optimizer state kept per trainable weight (Adam: two moments; plain SGD: none). Unknown optimizer: Adam's two. */
export function optimizerSlots(optimizer: TOptimizerSpec | undefined): number {
  if (!optimizer) return 2;
  const c = optimizer.config;
  switch (optimizer.name) {
    case 'sgd':
      return (typeof c.momentum === 'number' && c.momentum > 0) || c.nesterov === true ? 1 : 0;
    case 'adam':
    case 'adamw':
    case 'adamax':
    case 'nadam':
    case 'adadelta':
      return 2;
    case 'rmsprop':
      return 1 + (typeof c.momentum === 'number' && c.momentum > 0 ? 1 : 0) + (c.centered === true ? 1 : 0);
    case 'adagrad':
      return 1;
  }
}

/** Per layer and in total: what training a model costs, as the policy's cost limits measure it. */
export interface TModelCost extends TCheckCost {
  layers: { macs: number; activationBytes: number; paramBytes: number }[];
  /** Optimizer state per trainable weight. */
  slots: number;
}

/**
 * The cost of training a model whose shapes are known: forward multiply-accumulates per image (convolutions and dense
 * layers dominate; element-wise layers count one per value), the training work (about three forward passes per image:
 * forward, input and weight gradients, × training images × epochs), the activations of one training batch (the input
 * and every layer's output, float32, kept for the backward pass) and the weights' memory (trainable ones with their
 * gradient and the optimizer's state, float32).
 */
export function modelCost(
  subject: { inputShape: readonly number[]; layers: readonly TLayerSpec[]; optimizer?: TOptimizerSpec },
  shapes: TShapeResult,
  o: { epochs: number; trainImages: number; batchSize: number },
): TModelCost {
  const slots = optimizerSlots(subject.optimizer);
  const outputs = new Map<string, readonly number[]>([[MODEL_INPUT_NAME, subject.inputShape]]);
  const layers = subject.layers.map((spec, i) => {
    const shape = shapes.layers[i];
    const output = shape?.outputShape ?? [];
    const inputs = layerInputNames(subject.layers, i).map((n) => outputs.get(n) ?? []);
    outputs.set(spec.name, output);
    const trainable = shape?.trainableParams ?? 0;
    const fixed = (shape?.params ?? 0) - trainable;
    return {
      macs: layerMacs(spec, inputs, output),
      activationBytes: product(output) * o.batchSize * FLOAT_BYTES,
      paramBytes: (trainable * (2 + slots) + fixed) * FLOAT_BYTES,
    };
  });
  const forwardMacs = layers.reduce((a, l) => a + l.macs, 0);
  return {
    forwardMacs,
    trainingMacs: forwardMacs * 3 * o.trainImages * o.epochs,
    trainImages: o.trainImages,
    batchSize: o.batchSize,
    activationBytes: layers.reduce((a, l) => a + l.activationBytes, product(subject.inputShape) * o.batchSize * FLOAT_BYTES),
    paramBytes: layers.reduce((a, l) => a + l.paramBytes, 0),
    layers,
    slots,
  };
}

/** Shapes of a stored spec, or null when they do not work out (a spec that passed the check always does). */
export function specShapes(spec: { inputShape: readonly number[]; layers: readonly TLayerSpec[] }, onError?: (message: string) => void): TShapeResult | null {
  let failed = false;
  const sink: TDiagnosticSink = {
    error: (_code, _span, message) => {
      failed = true;
      onError?.(message);
    },
    warning: () => undefined,
    info: () => undefined,
  };
  const shapes = inferShapes(
    spec.inputShape,
    spec.layers.map((l) => ({ spec: l, span: NO_SPAN })),
    sink,
  );
  return shapes && !failed ? shapes : null;
}

/**
 * Multiply-accumulates of one image's forward pass through the model. Training an image costs about three times this
 * (forward, input gradients, weight gradients). Null when the spec's shapes do not work out.
 */
export function forwardMacs(spec: TModelSpec): number | null {
  const shapes = specShapes(spec);
  return shapes ? modelCost(spec, shapes, { epochs: 1, trainImages: 1, batchSize: 1 }).forwardMacs : null;
}
