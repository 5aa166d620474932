import type { TActivation, TLayerSpec, TModelRules } from '@epoch/contracts';
import type { TSpan } from './diagnostic-sink';
import type { TDiagnosticSink } from './diagnostic-types';
import type { TShapeResult } from './shape-inference';
import type { TCompileInfo, TFitInfo, TLayerInstance } from './values';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The activation the model's output goes through: the last layer that sets one (Dropout passes it on). */
export function outputActivation(layers: readonly TLayerInstance[]): { activation: TActivation; layer?: TLayerInstance } {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i] as TLayerInstance;
    const s: TLayerSpec = layer.spec;
    switch (s.type) {
      case 'Dropout':
      case 'SpatialDropout2D':
      case 'Flatten':
      case 'Reshape':
        continue;
      case 'Dense':
      case 'Conv2D':
      case 'Activation':
        return { activation: s.activation, layer };
      case 'ReLU':
        return { activation: 'relu', layer };
      case 'LeakyReLU':
        return { activation: 'leaky_relu', layer };
      case 'MaxPooling2D':
      case 'AveragePooling2D':
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
      case 'BatchNormalization':
      case 'ZeroPadding2D':
        return { activation: 'linear', layer };
    }
  }
  return { activation: 'linear' };
}

export interface TRulesInput {
  rules: TModelRules;
  modelSpan: TSpan;
  inputShape: number[];
  inputSpan: TSpan;
  layers: readonly TLayerInstance[];
  shapes: TShapeResult | null;
  compile?: TCompileInfo;
  fit?: TFitInfo;
}

/** Checks the exercise's rules and Epoch's limits; each violation is reported at the call that causes it. */
export function checkRules(input: TRulesInput, sink: TDiagnosticSink): void {
  const { rules, shapes, layers, compile, fit } = input;
  if (rules.inputShape && rules.inputShape.join(',') !== input.inputShape.join(',')) {
    sink.error(
      'rule-input-shape',
      input.inputSpan,
      `This exercise's images are (${rules.inputShape.join(', ')}), but the model's input shape is (${input.inputShape.join(', ')}).`,
    );
  }
  if (shapes && shapes.totalParams > rules.maxParams) {
    sink.error(
      'rule-max-params',
      input.modelSpan,
      `The model has ${fmt(shapes.totalParams)} parameters; the limit is ${fmt(rules.maxParams)}. Use fewer filters or units, or add pooling before Flatten.`,
    );
  }
  const last = layers[layers.length - 1];
  const lastShape = shapes?.layers[shapes.layers.length - 1]?.outputShape;
  if (rules.outputUnits !== undefined && last && lastShape) {
    if (lastShape.length !== 1 || lastShape[0] !== rules.outputUnits) {
      sink.error(
        'rule-output-units',
        last.span,
        `The model must end with ${rules.outputUnits} outputs (one per class), but its last layer outputs (${['None', ...lastShape].join(', ')}).`,
      );
    }
  }
  if (rules.outputActivation && last) {
    const out = outputActivation(layers);
    if (out.activation !== rules.outputActivation) {
      sink.error(
        'rule-output-activation',
        (out.layer ?? last).span,
        `The model's output must use the ${rules.outputActivation} activation, but it uses ${out.activation}${out.activation === 'linear' ? ' (no activation)' : ''}.`,
      );
    }
  }
  if (rules.allowedLayers) {
    const allowed = new Set<string>(rules.allowedLayers);
    for (const l of layers) {
      if (!allowed.has(l.spec.type))
        sink.error('rule-allowed-layers', l.span, `${l.spec.type} is not allowed in this exercise. Allowed layers: ${rules.allowedLayers.join(', ')}.`);
    }
  }
  if (rules.allowedOptimizers && compile && !rules.allowedOptimizers.includes(compile.optimizer.name)) {
    sink.error(
      'rule-allowed-optimizers',
      compile.optimizerSpan,
      `The ${compile.optimizer.name} optimizer is not allowed in this exercise. Allowed: ${rules.allowedOptimizers.join(', ')}.`,
    );
  }
  if (fit) {
    if (rules.requiredEpochs !== undefined && fit.epochs !== rules.requiredEpochs) {
      sink.error('rule-required-epochs', fit.epochsSpan, `This exercise trains for exactly ${rules.requiredEpochs} epochs, but fit() asks for ${fit.epochs}.`);
    } else if (fit.epochs > rules.maxEpochs) {
      sink.error('rule-max-epochs', fit.epochsSpan, `fit() asks for ${fmt(fit.epochs)} epochs; the limit is ${fmt(rules.maxEpochs)}.`);
    }
  }
}
