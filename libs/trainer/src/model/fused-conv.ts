import * as tf from '@tensorflow/tfjs-core';
import type { layers } from '@tensorflow/tfjs-layers';
import { CONV_BIAS_RELU_KERNEL } from '../kernels/conv2d.kernel';

type TfLayer = InstanceType<typeof layers.Layer>;

/** The parts of tfjs-layers' Conv2D used here (protected in its typings). */
interface TConvLayer {
  rank: number;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[];
  useBias: boolean;
  activation: { getClassName(): string };
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

let enabled = true;
/** Turns the fused training path off (or back on), e.g. to compare with tfjs's own; returns the previous setting. */
export function setFusedConvEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

function convBiasRelu(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, strides: [number, number], pad: 'same' | 'valid'): tf.Tensor4D {
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(CONV_BIAS_RELU_KERNEL, { x, filter: w, bias: b }, attrs) as tf.Tensor4D;
}

/**
 * Makes a tfjs Conv2D layer with a ReLU activation and a bias run as Epoch's fused convolution + bias + ReLU kernel on
 * the wasm backend, in training too (tfjs fuses them only without gradients); see conv2d.kernel.ts. Its config,
 * weights, serialization and behaviour elsewhere stay tfjs's own. Returns the layer.
 */
export function fuseConvBiasRelu(layer: TfLayer): TfLayer {
  const conv = layer as unknown as TConvLayer;
  const stockCall = conv.call.bind(layer);
  conv.call = (inputs, kwargs) => {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const fusable =
      enabled &&
      tf.getBackend() === 'wasm' &&
      tf.getKernel(CONV_BIAS_RELU_KERNEL, 'wasm') !== undefined &&
      conv.rank === 2 &&
      x?.rank === 4 &&
      x.dtype === 'float32' &&
      conv.useBias &&
      conv.bias !== null &&
      conv.dataFormat === 'channelsLast' &&
      conv.dilationRate.every((d) => d === 1) &&
      conv.activation.getClassName() === 'relu' &&
      (conv.padding === 'same' || conv.padding === 'valid');
    if (!fusable || !x || !conv.bias) return stockCall(inputs, kwargs);
    const bias = conv.bias;
    return tf.tidy(() =>
      convBiasRelu(
        x as tf.Tensor4D,
        conv.kernel.read() as tf.Tensor4D,
        bias.read() as tf.Tensor1D,
        [conv.strides[0] ?? 1, conv.strides[1] ?? 1],
        conv.padding as 'same' | 'valid',
      ),
    );
  };
  return layer;
}
