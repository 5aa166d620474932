import { MODEL_INPUT_NAME, layerInputNames, type TLayerSpec } from '@epoch/contracts';
import type { TSpan } from './diagnostic-sink';
import type { TDiagnosticSink } from './diagnostic-types';

export interface TLayerShape {
  outputShape: number[];
  params: number;
  trainableParams: number;
}
export interface TShapeResult {
  layers: TLayerShape[];
  totalParams: number;
  trainableParams: number;
}

const fmt = (s: readonly number[]): string => `(${['None', ...s].join(', ')})`;

/** Keras's conv_output_length: 'same' is ceil(n / s); 'valid' is floor((n - dilated_k) / s) + 1. */
function outLength(n: number, k: number, stride: number, padding: 'valid' | 'same', dilation = 1): number {
  if (padding === 'same') return Math.ceil(n / stride);
  const dk = k + (k - 1) * (dilation - 1);
  return Math.floor((n - dk) / stride) + 1;
}

/**
 * Output shapes and parameter counts exactly as Keras's model.summary() computes them (channels_last, batch dim
 * omitted). Layers take the output of the layer before them, or of the layers their `inputs` name (functional models).
 * Returns null after reporting the first layer whose input it cannot take; shapes never reach zero.
 */
export function inferShapes(inputShape: readonly number[], layers: readonly { spec: TLayerSpec; span: TSpan }[], sink: TDiagnosticSink): TShapeResult | null {
  const out: TLayerShape[] = [];
  const byName = new Map<string, number[]>([[MODEL_INPUT_NAME, [...inputShape]]]);
  const specs = layers.map((l) => l.spec);
  for (const [index, { spec, span }] of layers.entries()) {
    const inputs: number[][] = [];
    let missing: string | undefined;
    for (const name of layerInputNames(specs, index)) {
      const s = byName.get(name);
      if (!s) missing ??= name;
      else inputs.push(s);
    }
    const r = missing !== undefined ? { error: `its input '${missing}' is not an earlier layer.`, code: 'invalid-shape' } : layerShape(spec, inputs);
    if ('error' in r) {
      sink.error(r.code, span, `${spec.type} '${spec.name}': ${r.error}`);
      return null;
    }
    out.push(r);
    byName.set(spec.name, r.outputShape);
  }
  const totalParams = out.reduce((a, l) => a + l.params, 0);
  return { layers: out, totalParams, trainableParams: out.reduce((a, l) => a + l.trainableParams, 0) };
}

/** One layer's output shape and parameters from its input shapes (Keras's rules), or why it cannot take them. */
export function layerShape(spec: TLayerSpec, inputs: readonly (readonly number[])[]): TLayerShape | { error: string; code: string } {
  const fail = (error: string, code = 'invalid-shape') => ({ error, code });
  const shape = [...(inputs[0] ?? [])];
  const needImage = (): boolean => shape.length === 3;
  let params = 0;
  let trainable = 0;
  let next: number[];
  switch (spec.type) {
    case 'Conv2D': {
      if (!needImage())
        return fail(
          `expects an image input (height, width, channels) but gets ${fmt(shape)}. Conv2D must come before Flatten, and the model needs a 3-D input shape.`,
        );
      const [h = 0, w = 0, c = 0] = shape;
      const oh = outLength(h, spec.kernelSize[0], spec.strides[0], spec.padding, spec.dilationRate[0]);
      const ow = outLength(w, spec.kernelSize[1], spec.strides[1], spec.padding, spec.dilationRate[1]);
      if (oh < 1 || ow < 1)
        return fail(
          `the ${spec.kernelSize.join('×')} kernel does not fit in its ${h}×${w} input with padding='valid': the output would be ${oh}×${ow}. Use padding='same' or fewer downsampling layers before it.`,
          'shape-collapse',
        );
      params = spec.kernelSize[0] * spec.kernelSize[1] * c * spec.filters + (spec.useBias ? spec.filters : 0);
      trainable = params;
      next = [oh, ow, spec.filters];
      break;
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      if (!needImage()) return fail(`expects an image input (height, width, channels) but gets ${fmt(shape)}.`);
      const [h = 0, w = 0, c = 0] = shape;
      const oh = outLength(h, spec.poolSize[0], spec.strides[0], spec.padding);
      const ow = outLength(w, spec.poolSize[1], spec.strides[1], spec.padding);
      if (oh < 1 || ow < 1)
        return fail(
          `the ${spec.poolSize.join('×')} pool does not fit in its ${h}×${w} input: the output would be ${oh}×${ow}. Remove a pooling layer or use padding='same'.`,
          'shape-collapse',
        );
      next = [oh, ow, c];
      break;
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      if (!needImage()) return fail(`expects an image input (height, width, channels) but gets ${fmt(shape)}.`);
      next = [shape[2] ?? 0];
      break;
    case 'ZeroPadding2D': {
      if (!needImage()) return fail(`expects an image input (height, width, channels) but gets ${fmt(shape)}.`);
      const [h = 0, w = 0, c = 0] = shape;
      next = [h + spec.padding[0][0] + spec.padding[0][1], w + spec.padding[1][0] + spec.padding[1][1], c];
      break;
    }
    case 'SpatialDropout2D':
      if (!needImage()) return fail(`expects an image input (height, width, channels) but gets ${fmt(shape)}.`);
      next = shape;
      break;
    case 'Flatten':
      next = [shape.reduce((a, b) => a * b, 1)];
      break;
    case 'Dense': {
      const last = shape[shape.length - 1] ?? 0;
      params = last * spec.units + (spec.useBias ? spec.units : 0);
      trainable = params;
      next = [...shape.slice(0, -1), spec.units];
      break;
    }
    case 'BatchNormalization': {
      const axis = spec.axis < 0 ? shape.length + 1 + spec.axis : spec.axis;
      // Keras counts the batch axis as 0, so axis -1 and axis=len(shape) both mean the last feature axis.
      if (axis < 1 || axis > shape.length) return fail(`axis=${spec.axis} is outside its input ${fmt(shape)}.`);
      const ch = shape[axis - 1] ?? 0;
      trainable = (spec.center ? ch : 0) + (spec.scale ? ch : 0);
      params = trainable + 2 * ch;
      next = shape;
      break;
    }
    case 'Reshape': {
      const total = shape.reduce((a, b) => a * b, 1);
      const known = spec.targetShape.filter((x) => x !== -1).reduce((a, b) => a * b, 1);
      const dims = spec.targetShape.map((x) => (x === -1 ? total / known : x));
      if (dims.some((x) => !Number.isInteger(x) || x < 1) || dims.reduce((a, b) => a * b, 1) !== total) {
        return fail(`cannot reshape ${fmt(shape)} (${total} values) into (${spec.targetShape.join(', ')}).`);
      }
      next = dims;
      break;
    }
    case 'Dropout':
    case 'Activation':
    case 'ReLU':
    case 'LeakyReLU':
    case 'Rescaling':
    case 'Softmax':
      next = shape;
      break;
    case 'Normalization': {
      const last = shape[shape.length - 1] ?? 0;
      for (const [what, values] of [
        ['mean', spec.mean],
        ['variance', spec.variance],
      ] as const) {
        if (values.length !== 1 && values.length !== last)
          return fail(`${what} has ${values.length} values; it needs one, or one per channel of its input ${fmt(shape)} (${last}).`);
      }
      next = shape;
      break;
    }
    case 'RandomFlip':
    case 'RandomRotation':
    case 'RandomZoom':
    case 'RandomTranslation':
      if (!needImage()) return fail(`expects an image input (height, width, channels) but gets ${fmt(shape)}.`);
      next = shape;
      break;
    case 'Resizing':
    case 'RandomCrop':
      if (!needImage()) return fail(`expects an image input (height, width, channels) but gets ${fmt(shape)}.`);
      next = [spec.height, spec.width, shape[2] ?? 0];
      break;
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum': {
      // Keras's element-wise merge: equal ranks; each dimension equal, or 1 in one of them (broadcast).
      const merged = [...shape];
      for (const other of inputs.slice(1)) {
        const mismatch = other.length !== merged.length || other.some((d, k) => d !== merged[k] && d !== 1 && merged[k] !== 1);
        if (mismatch) return fail(`its inputs have shapes ${inputs.map(fmt).join(' and ')}, which cannot be combined element by element.`);
        other.forEach((d, k) => {
          if (merged[k] === 1) merged[k] = d;
        });
      }
      next = merged;
      break;
    }
    case 'Concatenate': {
      const rank = shape.length;
      const axis = spec.axis < 0 ? rank + 1 + spec.axis : spec.axis;
      if (axis < 1 || axis > rank) return fail(`axis=${spec.axis} is outside its inputs ${fmt(shape)}.`);
      const k = axis - 1;
      const mismatch = inputs.some((o) => o.length !== rank || o.some((d, j) => j !== k && d !== shape[j]));
      if (mismatch) return fail(`its inputs have shapes ${inputs.map(fmt).join(' and ')}; they must agree on every axis but axis ${spec.axis}.`);
      next = shape.map((d, j) => (j === k ? inputs.reduce((a, o) => a + (o[j] ?? 0), 0) : d));
      break;
    }
  }
  if (!Number.isSafeInteger(params) || next.some((x) => !Number.isSafeInteger(x))) return fail('the layer is far too large.', 'limit-exceeded');
  return { outputShape: next, params, trainableParams: trainable };
}
