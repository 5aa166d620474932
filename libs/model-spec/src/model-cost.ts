import type { TLayerSpec, TModelSpec } from '@epoch/contracts';
import type { TSpan } from './diagnostic-sink';
import type { TDiagnosticSink } from './diagnostic-types';
import { inferShapes } from './shape-inference';

const NO_SPAN: TSpan = { from: 0, to: 0 };
const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function layerMacs(spec: TLayerSpec, input: readonly number[], output: readonly number[]): number {
  switch (spec.type) {
    case 'Conv2D':
      // Every output value is a kh×kw×channels dot product.
      return product(output) * spec.kernelSize[0] * spec.kernelSize[1] * (input[2] ?? 0);
    case 'Dense':
      return product(output) * (input[input.length - 1] ?? 0);
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return product(output) * spec.poolSize[0] * spec.poolSize[1];
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
      // Element-wise layers (activations, dropout, normalisation, pooling over everything, reshapes): one per value.
      return Math.max(product(input), product(output));
  }
}

/**
 * Multiply-accumulates of one image's forward pass through the model (convolutions and dense layers dominate; the
 * element-wise layers count one per value). Training an image costs about three times this (forward, input
 * gradients, weight gradients). Null when the spec's shapes do not work out (a spec that passed the check always does).
 */
export function forwardMacs(spec: TModelSpec): number | null {
  let failed = false;
  const sink: TDiagnosticSink = {
    error: () => {
      failed = true;
    },
    warning: () => undefined,
    info: () => undefined,
  };
  const shapes = inferShapes(
    spec.inputShape,
    spec.layers.map((l) => ({ spec: l, span: NO_SPAN })),
    sink,
  );
  if (!shapes || failed) return null;
  let input: readonly number[] = spec.inputShape;
  let macs = 0;
  spec.layers.forEach((layer, i) => {
    const output = shapes.layers[i]?.outputShape ?? input;
    macs += layerMacs(layer, input, output);
    input = output;
  });
  return macs;
}
