import {
  layerInputNames,
  ZModelRules,
  type TActivation,
  type TLayerSpec,
  type TModelRules,
  type TModelRulesInput,
  type TOptimizerSpec,
} from '@epoch/contracts';
import { modelCost, specShapes, type TModelCost } from './model-cost';
import type { TShapeResult } from './shape-inference';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** 12,300,000,000 -> "12.3 G" (multiply-adds). */
export function si(n: number): string {
  for (const [unit, v] of [
    ['E', 1e18],
    ['P', 1e15],
    ['T', 1e12],
    ['G', 1e9],
    ['M', 1e6],
    ['k', 1e3],
  ] as const) {
    if (n >= v) return `${(n / v).toFixed(1)} ${unit}`;
  }
  return `${Math.round(n)}`;
}

/** Bytes as MiB, GiB or TiB, one decimal. */
export function bytes(n: number): string {
  if (n >= 1024 ** 4) return `${(n / 1024 ** 4).toFixed(1)} TiB`;
  const gib = n / 1024 ** 3;
  if (gib >= 1) return `${gib.toFixed(1)} GiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** How messages name a layer: `conv2d_1 (Conv2D 64, 31×31)`. */
export function layerLabel(l: TLayerSpec): string {
  if (l.type === 'Conv2D') return `${l.name} (Conv2D ${l.filters}, ${l.kernelSize.join('×')})`;
  if (l.type === 'Dense') return `${l.name} (Dense ${l.units})`;
  if (l.type === 'MaxPooling2D' || l.type === 'AveragePooling2D') return `${l.name} (${l.type} ${l.poolSize.join('×')})`;
  if (l.type === 'ZeroPadding2D') {
    const [[t, b], [lft, r]] = l.padding;
    return `${l.name} (ZeroPadding2D ${t === b && b === lft && lft === r ? t : `((${t}, ${b}), (${lft}, ${r}))`})`;
  }
  return `${l.name} (${l.type})`;
}

/** Where a violation is reported: checkSource maps it to the source; the grader only shows the message. */
export type TRuleSite = { kind: 'model' } | { kind: 'input' } | { kind: 'layer'; index: number } | { kind: 'optimizer' } | { kind: 'epochs' };

export interface TRuleViolation {
  /** Stable code, e.g. `rule-max-params`. */
  code: string;
  message: string;
  site: TRuleSite;
}

/** What the rules look at: a ModelSpec, or as much of one as the source gives so far (no compile or fit yet). */
export interface TRulesSubject {
  inputShape: readonly number[];
  layers: readonly TLayerSpec[];
  optimizer?: TOptimizerSpec;
  epochs?: number;
  /** The model's own batch size (fit's); the rules' batchSize, when set, is the one training uses. */
  batchSize?: number;
}

export interface TRulesCheckOptions {
  /** The subject's shapes when already known; null when they do not work out (shape checks are skipped). */
  shapes?: TShapeResult | null;
  /** False when the layer list is not the whole model (the source has more layers than the checker kept). */
  complete?: boolean;
}

export interface TRulesCheckResult {
  violations: TRuleViolation[];
  /** The training cost, when the shapes work out and the epochs are known. */
  cost: TModelCost | null;
}

/** The activation the model's output goes through: walking back from the last layer past Dropout, Flatten and Reshape. */
export function outputActivation(layers: readonly TLayerSpec[]): { activation: TActivation; index?: number } {
  const byName = new Map(layers.map((l, i) => [l.name, i]));
  let i = layers.length - 1;
  for (let guard = 0; i >= 0 && guard <= layers.length; guard++) {
    const s = layers[i] as TLayerSpec;
    switch (s.type) {
      case 'Dropout':
      case 'SpatialDropout2D':
      case 'Flatten':
      case 'Reshape': {
        const from = layerInputNames(layers, i)[0];
        const next = from === undefined ? undefined : byName.get(from);
        if (next === undefined) return { activation: 'linear' };
        i = next;
        continue;
      }
      case 'Dense':
      case 'Conv2D':
      case 'Activation':
        return { activation: s.activation, index: i };
      case 'Softmax':
        return { activation: 'softmax', index: i };
      case 'ReLU':
        return { activation: 'relu', index: i };
      case 'LeakyReLU':
        return { activation: 'leaky_relu', index: i };
      case 'MaxPooling2D':
      case 'AveragePooling2D':
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
      case 'BatchNormalization':
      case 'ZeroPadding2D':
      case 'Rescaling':
      case 'Resizing':
      case 'Normalization':
      case 'RandomFlip':
      case 'RandomRotation':
      case 'RandomZoom':
      case 'RandomTranslation':
      case 'RandomCrop':
      case 'Add':
      case 'Subtract':
      case 'Multiply':
      case 'Average':
      case 'Maximum':
      case 'Minimum':
      case 'Concatenate':
        return { activation: 'linear', index: i };
    }
  }
  return { activation: 'linear' };
}

/** The index of the layer with the largest value (the first on ties). */
function argmax(values: readonly number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] ?? -Infinity)) best = i;
  });
  return best;
}

/**
 * The exercise's rules and Epoch's limits on a model: the one check used by `./epoch check`, the editor, the API (all
 * through checkSource, which reports each violation at the code that causes it) and the grader (on the stored spec,
 * before training). Every message names what to change.
 */
export function checkModelRules(subject: TRulesSubject, rulesInput: TModelRulesInput | TModelRules, options: TRulesCheckOptions = {}): TRulesCheckResult {
  const parsed = ZModelRules.safeParse(rulesInput);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { violations: [{ code: 'invalid-rules', message: `The exercise's rules are invalid: ${why}`, site: { kind: 'model' } }], cost: null };
  }
  return checkParsedRules(subject, parsed.data, options);
}

/** checkModelRules on rules already parsed by ZModelRules (checkSource parses them once, first). */
export function checkParsedRules(subject: TRulesSubject, rules: TModelRules, options: TRulesCheckOptions = {}): TRulesCheckResult {
  const out: TRuleViolation[] = [];
  const add = (code: string, site: TRuleSite, message: string) => out.push({ code, message, site });
  const { layers } = subject;
  const complete = options.complete ?? true;
  let shapeProblem: string | undefined;
  const shapes = options.shapes !== undefined ? options.shapes : layers.length > 0 ? specShapes(subject, (m) => (shapeProblem ??= m)) : null;

  if (rules.inputShape && rules.inputShape.join(',') !== subject.inputShape.join(',')) {
    add(
      'rule-input-shape',
      { kind: 'input' },
      `This exercise's images are (${rules.inputShape.join(', ')}), but the model's input shape is (${subject.inputShape.join(', ')}).`,
    );
  }
  if (shapeProblem) add('invalid-shape', { kind: 'model' }, shapeProblem);
  if (layers.length > rules.maxLayers) {
    add('rule-max-layers', { kind: 'layer', index: rules.maxLayers }, `The model has ${fmt(layers.length)} layers; the limit is ${fmt(rules.maxLayers)}.`);
  }
  if (shapes && shapes.totalParams > rules.maxParams) {
    const big = argmax(shapes.layers.map((l) => l.params));
    const layer = layers[big] as TLayerSpec;
    add(
      'rule-max-params',
      { kind: 'layer', index: big },
      `The model has ${fmt(shapes.totalParams)} parameters; the limit is ${fmt(rules.maxParams)}. Its largest layer is ${layerLabel(layer)} with ${fmt(shapes.layers[big]?.params ?? 0)}. Use fewer filters or units, or add pooling before Flatten.`,
    );
  }
  const lastIndex = layers.length - 1;
  const lastShape = shapes?.layers[lastIndex]?.outputShape;
  if (complete && rules.outputUnits !== undefined && lastIndex >= 0 && lastShape) {
    if (lastShape.length !== 1 || lastShape[0] !== rules.outputUnits) {
      add(
        'rule-output-units',
        { kind: 'layer', index: lastIndex },
        `The model must end with ${rules.outputUnits} outputs (one per class), but its last layer outputs (${['None', ...lastShape].join(', ')}).`,
      );
    }
  }
  if (complete && rules.outputActivation && lastIndex >= 0) {
    const o = outputActivation(layers);
    if (o.activation !== rules.outputActivation) {
      add(
        'rule-output-activation',
        { kind: 'layer', index: o.index ?? lastIndex },
        `The model's output must use the ${rules.outputActivation} activation, but it uses ${o.activation}${o.activation === 'linear' ? ' (no activation)' : ''}.`,
      );
    }
  }
  // tfjs cannot differentiate image transforms: nothing with weights may come before them (Epoch applies them to the
  // images, as augmentation layers are meant to be used).
  const firstWeighted = layers.findIndex((l) => l.type === 'Conv2D' || l.type === 'Dense' || l.type === 'BatchNormalization');
  layers.forEach((l, index) => {
    if (firstWeighted >= 0 && index > firstWeighted && (l.type === 'RandomRotation' || l.type === 'RandomZoom' || l.type === 'RandomTranslation')) {
      add(
        'augmentation-order',
        { kind: 'layer', index },
        `${l.type} must come before the first layer with weights (${layerLabel(layers[firstWeighted] as TLayerSpec)}): Epoch applies augmentation to the images, at the start of the model.`,
      );
    }
  });
  if (rules.allowedLayers) {
    const allowed = new Set<string>(rules.allowedLayers);
    layers.forEach((l, index) => {
      if (!allowed.has(l.type))
        add('rule-allowed-layers', { kind: 'layer', index }, `${l.type} is not allowed in this exercise. Allowed layers: ${rules.allowedLayers?.join(', ')}.`);
    });
  }
  if (rules.allowedOptimizers && subject.optimizer && !rules.allowedOptimizers.includes(subject.optimizer.name)) {
    add(
      'rule-allowed-optimizers',
      { kind: 'optimizer' },
      `The ${subject.optimizer.name} optimizer is not allowed in this exercise. Allowed: ${rules.allowedOptimizers.join(', ')}.`,
    );
  }
  if (subject.epochs !== undefined) {
    if (rules.requiredEpochs !== undefined && subject.epochs !== rules.requiredEpochs) {
      add('rule-required-epochs', { kind: 'epochs' }, `This exercise trains for exactly ${rules.requiredEpochs} epochs, but fit() asks for ${subject.epochs}.`);
    } else if (subject.epochs > rules.maxEpochs) {
      add('rule-max-epochs', { kind: 'epochs' }, `fit() asks for ${fmt(subject.epochs)} epochs; the limit is ${fmt(rules.maxEpochs)}.`);
    }
  }
  const epochs = rules.requiredEpochs ?? subject.epochs;
  const cost =
    shapes && complete
      ? modelCost(subject, shapes, { epochs: epochs ?? 1, trainImages: rules.trainImages, batchSize: rules.batchSize ?? subject.batchSize ?? 64 })
      : null;
  if (cost) costViolations(cost, layers, rules, epochs, shapes, add);
  return { violations: out, cost: epochs !== undefined ? cost : null };
}

function costViolations(
  cost: TModelCost,
  layers: readonly TLayerSpec[],
  rules: TModelRules,
  epochs: number | undefined,
  shapes: TShapeResult | null,
  add: (code: string, site: TRuleSite, message: string) => void,
): void {
  if (epochs !== undefined && cost.trainingMacs > rules.maxTrainingMacs) {
    const i = argmax(cost.layers.map((l) => l.macs));
    const perImageLimit = rules.maxTrainingMacs / (3 * cost.trainImages * epochs);
    add(
      'rule-max-training-work',
      { kind: 'layer', index: i },
      `Training this model is too much work: layer ${layerLabel(layers[i] as TLayerSpec)} needs ${si(cost.layers[i]?.macs ?? 0)} multiply-adds per image; the whole model needs ${si(cost.forwardMacs)}, the limit for this exercise is ${si(perImageLimit)} (${fmt(epochs)} epochs of ${fmt(cost.trainImages)} images). Use fewer or smaller filters, or downsample (pooling, strides) earlier.`,
    );
  }
  const activationLimit = rules.maxActivationMiB * 1024 * 1024;
  if (cost.activationBytes > activationLimit) {
    const i = argmax(cost.layers.map((l) => l.activationBytes));
    const shape = shapes?.layers[i]?.outputShape ?? [];
    add(
      'rule-max-activation-memory',
      { kind: 'layer', index: i },
      `One training batch needs too much memory: layer ${layerLabel(layers[i] as TLayerSpec)} outputs ${shape.map(fmt).join('×')} values per image, ${bytes(cost.layers[i]?.activationBytes ?? 0)} for a batch of ${cost.batchSize}; the whole model needs ${bytes(cost.activationBytes)} per batch, the limit for this exercise is ${bytes(activationLimit)}. Use less padding, fewer filters, or downsample earlier.`,
    );
  }
  const paramLimit = rules.maxParamMiB * 1024 * 1024;
  if (cost.paramBytes > paramLimit) {
    const i = argmax(cost.layers.map((l) => l.paramBytes));
    add(
      'rule-max-param-memory',
      { kind: 'layer', index: i },
      `The model's weights need too much memory: layer ${layerLabel(layers[i] as TLayerSpec)} holds ${fmt(shapes?.layers[i]?.params ?? 0)} parameters, ${bytes(cost.layers[i]?.paramBytes ?? 0)} with their gradients and the optimizer's state; the whole model needs ${bytes(cost.paramBytes)}, the limit for this exercise is ${bytes(paramLimit)}.`,
    );
  }
}
