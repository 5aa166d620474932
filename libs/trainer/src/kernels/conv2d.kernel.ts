import { backend_util, engine, sum, type GradConfig, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import { RELU_GRAD_KERNEL } from './elementwise.kernel';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, input, release, stock, wasmBackend, type KernelArgs } from './kernel-utils';
import { heapOffset, nativeKernels, type TNativeKernels } from './native/native-kernels';

type Conv2DInfo = backend_util.Conv2DInfo;

interface TConvAttrs {
  strides: [number, number] | number;
  pad: backend_util.PadInfo['type'] | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

function convInfo(args: KernelArgs, x: TensorInfo, filter: TensorInfo): Conv2DInfo {
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = (args.attrs ?? {}) as unknown as TConvAttrs;
  return backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations ?? 1,
    pad as 'same',
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat ?? 'NHWC'),
  );
}

/** Epoch's native kernel runs NHWC float32 convolutions without dilation; anything else keeps the stock kernel. */
function nativeFor(backend: BackendWasm, c: Conv2DInfo, ...ts: TensorInfo[]): TNativeKernels | null {
  if (c.dataFormat !== 'channelsLast' || c.dilationHeight !== 1 || c.dilationWidth !== 1) return null;
  if (ts.some((t) => t.dtype !== 'float32')) return null;
  return nativeKernels(backend);
}

/**
 * Conv2D on Epoch's native kernel (about 1.3x XNNPACK's speed per thread in tfjs-wasm, 1.6x with fused multiply-add;
 * see native/epoch-kernels.c), stock XNNPACK otherwise.
 */
export function conv2D(args: KernelArgs): TensorInfo {
  const backend = wasmBackend(args);
  const x = input(args, 'x');
  const filter = input(args, 'filter');
  const c = convInfo(args, x, filter);
  const k = nativeFor(backend, c, x, filter);
  if (!k) return stock('Conv2D')(args);
  return runNativeConv(backend, k, x, heapOffset(backend, filter), c, 0, false);
}

/**
 * FusedConv2D (what inference runs: convolution + bias + activation in one pass) on the native kernel for a linear or
 * ReLU activation and a per-channel bias; other activations and biases keep the stock kernel.
 */
export function fusedConv2D(args: KernelArgs): TensorInfo {
  const backend = wasmBackend(args);
  const x = input(args, 'x');
  const filter = input(args, 'filter');
  const bias = args.inputs['bias'];
  const activation = ((args.attrs ?? {}) as unknown as TConvAttrs).activation ?? 'linear';
  const c = convInfo(args, x, filter);
  const k =
    (activation === 'linear' || activation === 'relu') && (!bias || (bias.shape.length === 1 && bias.shape[0] === c.outChannels))
      ? nativeFor(backend, c, x, filter, ...(bias ? [bias] : []))
      : null;
  if (!k) return stock('FusedConv2D')(args);
  return runNativeConv(backend, k, x, heapOffset(backend, filter), c, bias ? heapOffset(backend, bias) : 0, activation === 'relu');
}

/** Kernel name of Epoch's convolution + bias + ReLU for training (inputs x, filter, bias; Conv2D's attributes). */
export const CONV_BIAS_RELU_KERNEL = 'EpochConvBiasRelu';

/** Forward: FusedConv2D with a ReLU (the native kernel adds the bias and applies the ReLU in its epilogue). */
export function convBiasRelu(args: KernelArgs): TensorInfo {
  return fusedConv2D({ ...args, attrs: { ...args.attrs, activation: 'relu' } });
}

/**
 * Its gradient, as tfjs differentiates its own fused conv2d (which it only runs without gradients when there is a
 * ReLU): dz = dy where y > 0 (y > 0 exactly where the pre-activation is), then the input, filter and bias gradients of
 * dz, each computed only if asked for. The same float32 operations in the same order as Conv2D + Add + Relu.
 */
export const convBiasReluGradConfig: GradConfig = {
  kernelName: CONV_BIAS_RELU_KERNEL,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [Tensor, Tensor, Tensor];
    const dz = engine().runKernel(RELU_GRAD_KERNEL, { dy: dy as Tensor, x: y }) as Tensor;
    const a = attrs as NamedAttrMap;
    return {
      x: () => engine().runKernel('Conv2DBackpropInput', { dy: dz, filter }, { ...a, inputShape: x.shape }) as Tensor,
      filter: () => engine().runKernel('Conv2DBackpropFilter', { x, dy: dz }, { ...a, filterShape: filter.shape }) as Tensor,
      bias: () => sum(dz, [0, 1, 2]),
    };
  },
};

/**
 * Runs the native convolution of x with the filter at `filterOffset` (layout [KH,KW,Ci,Co]) into a new tensor of
 * c.outShape; `bias` is a heap offset of Co floats or 0.
 */
export function runNativeConv(
  backend: BackendWasm,
  k: TNativeKernels,
  x: TensorInfo,
  filterOffset: number,
  c: Conv2DInfo,
  bias: number,
  relu: boolean,
): TensorInfo {
  const out = backend.makeOutput(c.outShape, 'float32');
  const zero = backend.makeOutput([c.inChannels], 'float32');
  heapF32(backend, zero).fill(0);
  try {
    k.conv2d({
      x: heapOffset(backend, x),
      n: c.batchSize,
      h: c.inHeight,
      w: c.inWidth,
      ci: c.inChannels,
      filter: filterOffset,
      kh: c.filterHeight,
      kw: c.filterWidth,
      co: c.outChannels,
      sh: c.strideHeight,
      sw: c.strideWidth,
      padTop: c.padInfo.top,
      padLeft: c.padInfo.left,
      y: heapOffset(backend, out),
      oh: c.outHeight,
      ow: c.outWidth,
      zero: heapOffset(backend, zero),
      bias,
      relu,
    });
  } finally {
    release(backend, zero);
  }
  return out;
}
