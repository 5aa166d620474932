import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runNativeConv } from './conv2d.kernel';
import { heapF32, input, release, run, stock, wasmBackend, type KernelArgs } from './kernel-utils';
import { heapOffset, nativeKernels } from './native/native-kernels';

/**
 * Conv2DBackpropInput: with stride 1 the input gradient is a plain convolution of dy with the filter rotated by 180°
 * and its channel axes swapped, padded so the output has the input's size. Other strides use the stock kernel.
 */
export function conv2DBackpropInput(args: KernelArgs): TensorInfo {
  const backend = wasmBackend(args);
  const dy = input(args, 'dy');
  const filter = input(args, 'filter');
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = (args.attrs ?? {}) as unknown as {
    strides: [number, number] | number;
    pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  const c = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad as 'same',
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat ?? 'NHWC'),
  );
  const top = c.filterHeight - 1 - c.padInfo.top;
  const left = c.filterWidth - 1 - c.padInfo.left;
  const bottom = c.inHeight - c.outHeight + c.filterHeight - 1 - top;
  const right = c.inWidth - c.outWidth + c.filterWidth - 1 - left;
  if (c.dataFormat !== 'channelsLast' || c.strideHeight !== 1 || c.strideWidth !== 1 || top < 0 || left < 0 || bottom < 0 || right < 0) {
    return stock('Conv2DBackpropInput')(args);
  }
  const rotated = rotateFilter(backend, filter);
  const k = filter.dtype === 'float32' && dy.dtype === 'float32' ? nativeKernels(backend) : null;
  if (k) {
    // the same convolution on the native kernel: dy [N,OH,OW,Co] is its input, the output has x's shape
    const conv = backend_util.computeConv2DInfo(
      dy.shape as [number, number, number, number],
      rotated.shape as [number, number, number, number],
      1,
      1,
      [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      undefined,
      false,
      'channelsLast',
    );
    const out = runNativeConv(backend, k, dy, heapOffset(backend, rotated), conv, 0, false);
    release(backend, rotated);
    return out;
  }
  const out = run(
    'Conv2D',
    backend,
    { x: dy, filter: rotated },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    },
  );
  release(backend, rotated);
  return out;
}

/** w[KH,KW,Ci,Co] -> r[KH,KW,Co,Ci] with r[i,j,o,c] = w[KH-1-i, KW-1-j, c, o]: one pass (stock Reverse + Transpose: two, slow). */
function rotateFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [KH = 0, KW = 0, Ci = 0, Co = 0] = filter.shape;
  const out = backend.makeOutput([KH, KW, Co, Ci], 'float32');
  const w = heapF32(backend, filter);
  const r = heapF32(backend, out);
  for (let i = 0; i < KH; i++) {
    for (let j = 0; j < KW; j++) {
      const src = ((KH - 1 - i) * KW + (KW - 1 - j)) * Ci * Co;
      const dst = (i * KW + j) * Co * Ci;
      for (let c = 0; c < Ci; c++) {
        for (let o = 0; o < Co; o++) r[dst + o * Ci + c] = w[src + c * Co + o] as number;
      }
    }
  }
  return out;
}
