import { layerInputNames, MODEL_INPUT_NAME, type TActivation, type TLayerSpec, type TModelSpec } from '@epoch/contracts';
import {
  input as symbolicInput,
  layers,
  model as functionalModel,
  sequential,
  type LayersModel,
  type Sequential,
  type SymbolicTensor,
} from '@tensorflow/tfjs-layers';
import { KerasReLU, SeededDropout } from './custom-layers';
import { EpochNormalization, EpochRandomAffine, EpochRandomCrop, EpochRandomFlip, EpochRescaling, EpochResizing, EpochSubtract } from './preprocessing-layers';
import { fuseConvBiasRelu } from './fused-conv';
import { TrainerSpecError } from './errors';
import { toInitializer, toRegularizer } from './initializers';
import { accuracy, toLoss, type TLossFn } from './losses';
import { toOptimizer } from './optimizers';
import { deriveSeed } from './seeds';

type TfLayer = InstanceType<typeof layers.Layer>;
type TfActivation = 'linear' | 'relu' | 'sigmoid' | 'softmax' | 'tanh' | 'elu' | 'selu' | 'softplus';

/** A compiled model together with what the trainer needs to train, evaluate and inspect it. */
export interface TBuiltModel {
  model: LayersModel;
  spec: TModelSpec;
  seed: number;
  loss: TLossFn;
  /** For each spec layer, the tfjs layer whose output is that layer's output. */
  outputLayers: TfLayer[];
  paramCount: number;
  numClasses: number;
}

/** Keras' leaky_relu activation (keras.activations.leaky_relu) uses negative_slope 0.2. */
const LEAKY_RELU_ACTIVATION_SLOPE = 0.2;

function where(spec: TLayerSpec, index: number): string {
  const at = spec.source ? ` (line ${spec.source.line})` : '';
  return `layer ${index + 1} ${spec.type} "${spec.name}"${at}`;
}

/** tfjs activation for a Keras one; leaky_relu has no tfjs name, so it becomes a separate LeakyReLU layer. */
function splitActivation(a: TActivation): { tfjs: TfActivation; leaky: boolean } {
  return a === 'leaky_relu' ? { tfjs: 'linear', leaky: true } : { tfjs: a, leaky: false };
}

function layersFor(spec: TLayerSpec, index: number, seed: number, inputRank: number): TfLayer[] {
  const name = `${spec.name}`;
  const s = (slot: number) => deriveSeed(seed, index, slot);
  const at = where(spec, index);
  const leakyAfter = (l: TfLayer, a: TActivation): TfLayer[] =>
    splitActivation(a).leaky ? [l, layers.leakyReLU({ alpha: LEAKY_RELU_ACTIVATION_SLOPE, name: `${name}_leaky_relu` })] : [l];
  switch (spec.type) {
    case 'Conv2D': {
      if (spec.dilationRate[0] !== 1 || spec.dilationRate[1] !== 1) {
        throw new TrainerSpecError(
          `${at}: dilation_rate ${spec.dilationRate.join('x')} cannot be trained (TensorFlow.js has no gradient for dilated convolutions); use dilation_rate=1`,
        );
      }
      return leakyAfter(
        fuseConvBiasRelu(
          layers.conv2d({
            name,
            filters: spec.filters,
            kernelSize: spec.kernelSize,
            strides: spec.strides,
            padding: spec.padding,
            activation: splitActivation(spec.activation).tfjs,
            useBias: spec.useBias,
            kernelInitializer: toInitializer(spec.kernelInitializer, s(0), at),
            biasInitializer: toInitializer(spec.biasInitializer, s(1), at),
            kernelRegularizer: toRegularizer(spec.kernelRegularizer),
            biasRegularizer: toRegularizer(spec.biasRegularizer),
          }),
        ),
        spec.activation,
      );
    }
    case 'Dense':
      return leakyAfter(
        layers.dense({
          name,
          units: spec.units,
          activation: splitActivation(spec.activation).tfjs,
          useBias: spec.useBias,
          kernelInitializer: toInitializer(spec.kernelInitializer, s(0), at),
          biasInitializer: toInitializer(spec.biasInitializer, s(1), at),
          kernelRegularizer: toRegularizer(spec.kernelRegularizer),
          biasRegularizer: toRegularizer(spec.biasRegularizer),
        }),
        spec.activation,
      );
    case 'MaxPooling2D':
      return [layers.maxPooling2d({ name, poolSize: spec.poolSize, strides: spec.strides, padding: spec.padding })];
    case 'AveragePooling2D':
      return [layers.averagePooling2d({ name, poolSize: spec.poolSize, strides: spec.strides, padding: spec.padding })];
    case 'GlobalAveragePooling2D':
      return [layers.globalAveragePooling2d({ name })];
    case 'GlobalMaxPooling2D':
      return [layers.globalMaxPooling2d({ name })];
    case 'Flatten':
      // Keras flattens an already flat input to itself; tfjs's Flatten refuses rank 2.
      return [inputRank === 1 ? layers.activation({ name, activation: 'linear' }) : layers.flatten({ name })];
    case 'Dropout':
    case 'SpatialDropout2D':
      return [new SeededDropout({ name, rate: spec.rate, seed: spec.seed ?? s(0), spatial: spec.type === 'SpatialDropout2D' })];
    case 'BatchNormalization':
      return [
        layers.batchNormalization({
          name,
          axis: spec.axis,
          momentum: spec.momentum,
          epsilon: spec.epsilon,
          center: spec.center,
          scale: spec.scale,
          betaInitializer: toInitializer(spec.betaInitializer, s(0), at),
          gammaInitializer: toInitializer(spec.gammaInitializer, s(1), at),
          movingMeanInitializer: toInitializer(spec.movingMeanInitializer, s(2), at),
          movingVarianceInitializer: toInitializer(spec.movingVarianceInitializer, s(3), at),
        }),
      ];
    case 'Activation':
      return spec.activation === 'leaky_relu'
        ? [layers.leakyReLU({ name, alpha: LEAKY_RELU_ACTIVATION_SLOPE })]
        : [layers.activation({ name, activation: spec.activation })];
    case 'ReLU':
      if (spec.negativeSlope === 0 && spec.threshold === 0) {
        return [layers.reLU({ name, maxValue: spec.maxValue ?? undefined })];
      }
      return [new KerasReLU({ name, maxValue: spec.maxValue, negativeSlope: spec.negativeSlope, threshold: spec.threshold })];
    case 'LeakyReLU':
      return [layers.leakyReLU({ name, alpha: spec.negativeSlope })];
    case 'Reshape':
      return [layers.reshape({ name, targetShape: spec.targetShape })];
    case 'ZeroPadding2D':
      return [layers.zeroPadding2d({ name, padding: spec.padding })];
    case 'Rescaling':
      return [new EpochRescaling({ name, scale: spec.scale, offset: spec.offset })];
    case 'Resizing':
      return [new EpochResizing({ name, height: spec.height, width: spec.width, interpolation: spec.interpolation })];
    case 'Normalization':
      return [new EpochNormalization({ name, mean: spec.mean, variance: spec.variance })];
    case 'RandomFlip':
      return [new EpochRandomFlip({ name, mode: spec.mode, seed: spec.seed ?? s(0) })];
    case 'RandomRotation':
    case 'RandomZoom':
    case 'RandomTranslation':
      return [
        new EpochRandomAffine({
          name,
          seed: spec.seed ?? s(0),
          transform:
            spec.type === 'RandomRotation'
              ? { kind: 'rotation', factor: spec.factor }
              : spec.type === 'RandomZoom'
                ? { kind: 'zoom', heightFactor: spec.heightFactor, widthFactor: spec.widthFactor }
                : { kind: 'translation', heightFactor: spec.heightFactor, widthFactor: spec.widthFactor },
          fillMode: spec.fillMode,
          interpolation: spec.interpolation,
          fillValue: spec.fillValue,
        }),
      ];
    case 'RandomCrop':
      return [new EpochRandomCrop({ name, height: spec.height, width: spec.width, seed: spec.seed ?? s(0) })];
    case 'Softmax':
      return [layers.softmax({ name, axis: spec.axis })];
    case 'Add':
      return [layers.add({ name })];
    case 'Average':
      return [layers.average({ name })];
    case 'Multiply':
      return [layers.multiply({ name })];
    case 'Maximum':
      return [layers.maximum({ name })];
    case 'Minimum':
      return [layers.minimum({ name })];
    case 'Subtract':
      return [new EpochSubtract({ name })];
    case 'Concatenate':
      return [layers.concatenate({ name, axis: spec.axis })];
    default: {
      const t: never = spec;
      throw new TrainerSpecError(`unsupported layer ${JSON.stringify(t)}`);
    }
  }
}

/**
 * Builds and compiles the tfjs model for a resolved ModelSpec. Every random choice (initial weights, dropout masks) is
 * derived from `seed`, so the same spec, seed and backend give the same model and the same training.
 */
export function buildModel(spec: TModelSpec, seed: number): TBuiltModel {
  if (spec.layers.length === 0) throw new TrainerSpecError('the model has no layers');
  checkAugmentationPlacement(spec);
  const { model, outputLayers } = spec.layers.some((l) => l.inputs) ? buildFunctional(spec, seed) : buildSequential(spec, seed);
  const outShape = model.outputs[0]?.shape ?? [];
  if (outShape.length !== 2) {
    throw new TrainerSpecError(
      `the model's output has shape [${outShape.slice(1).join(', ')}] per image; a classifier needs a flat vector of class scores (add Flatten before the last Dense)`,
    );
  }
  const loss = toLoss(spec.loss);
  model.compile({ optimizer: toOptimizer(spec.optimizer), loss, metrics: [accuracy] });
  return { model, spec, seed, loss, outputLayers, paramCount: model.countParams(), numClasses: outShape[1] ?? 0 };
}

/** Layers that transform images geometrically have no gradient in tfjs: nothing with weights may come before them. */
const GEOMETRIC = new Set(['RandomRotation', 'RandomZoom', 'RandomTranslation']);
const WEIGHTED = new Set(['Conv2D', 'Dense', 'BatchNormalization']);

function checkAugmentationPlacement(spec: TModelSpec): void {
  const firstWeighted = spec.layers.findIndex((l) => WEIGHTED.has(l.type));
  if (firstWeighted < 0) return;
  spec.layers.forEach((l, i) => {
    if (i > firstWeighted && GEOMETRIC.has(l.type)) {
      throw new TrainerSpecError(`${where(l, i)}: augmentation layers must come before the first layer with weights (they transform the images)`);
    }
  });
}

/** A Sequential spec (no `inputs`): a tfjs Sequential, layer after layer. */
function buildSequential(spec: TModelSpec, seed: number): { model: LayersModel; outputLayers: TfLayer[] } {
  const model: Sequential = sequential();
  model.add(layers.inputLayer({ inputShape: spec.inputShape, name: MODEL_INPUT_NAME }));
  const outputLayers: TfLayer[] = [];
  spec.layers.forEach((layerSpec, i) => {
    const built = layersFor(layerSpec, i, seed, (model.outputs[0]?.shape.length ?? 1) - 1);
    try {
      for (const l of built) model.add(l);
    } catch (e) {
      throw new TrainerSpecError(`${where(layerSpec, i)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    outputLayers.push(built[built.length - 1] as TfLayer);
  });
  return { model, outputLayers };
}

/**
 * A functional spec: each layer applied to the outputs its `inputs` name, the last layer's output the model's. Layer
 * indices (hence seeds and initial weights) are the spec's, as in a Sequential model, so a chain written either way
 * builds the same model.
 */
function buildFunctional(spec: TModelSpec, seed: number): { model: LayersModel; outputLayers: TfLayer[] } {
  const input = symbolicInput({ shape: spec.inputShape, name: MODEL_INPUT_NAME });
  const outputs = new Map<string, SymbolicTensor>([[MODEL_INPUT_NAME, input]]);
  const outputLayers: TfLayer[] = [];
  let last: SymbolicTensor = input;
  spec.layers.forEach((layerSpec, i) => {
    const ins = layerInputNames(spec.layers, i).map((name) => {
      const t = outputs.get(name);
      if (!t) throw new TrainerSpecError(`${where(layerSpec, i)}: its input '${name}' is not an earlier layer`);
      return t;
    });
    const first = ins[0] as SymbolicTensor;
    const built = layersFor(layerSpec, i, seed, first.shape.length - 1);
    try {
      let t: SymbolicTensor | SymbolicTensor[] = ins.length === 1 ? first : ins;
      for (const l of built) t = l.apply(t) as SymbolicTensor;
      last = t as SymbolicTensor;
    } catch (e) {
      throw new TrainerSpecError(`${where(layerSpec, i)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    outputs.set(layerSpec.name, last);
    outputLayers.push(built[built.length - 1] as TfLayer);
  });
  return { model: functionalModel({ inputs: input, outputs: last, name: 'model' }), outputLayers };
}

/** Releases the model's weights and optimizer state. */
export function disposeModel(built: TBuiltModel): void {
  built.model.optimizer?.dispose();
  built.model.dispose();
}
