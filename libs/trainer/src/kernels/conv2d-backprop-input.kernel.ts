import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { input, release, run, stock, transpose, wasmBackend, type KernelArgs } from './kernel-utils';

/**
 * Conv2DBackpropInput: with stride 1 the input gradient is a plain convolution of dy with the filter rotated by 180°
 * and its channel axes swapped, padded so the output has the input's size. Other strides use the stock kernel.
 */
export function conv2DBackpropInput(args: KernelArgs): TensorInfo {
  const backend = wasmBackend(args);
  const dy = input(args, 'dy');
  const filter = input(args, 'filter');
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = (args.attrs ?? {}) as unknown as {
    strides: [number, number] | number; pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number];
  };
  const c = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1,
    pad as 'same', dimRoundingMode, false, backend_util.convertConv2DDataFormat(dataFormat ?? 'NHWC'));
  const top = c.filterHeight - 1 - c.padInfo.top;
  const left = c.filterWidth - 1 - c.padInfo.left;
  const bottom = c.inHeight - c.outHeight + c.filterHeight - 1 - top;
  const right = c.inWidth - c.outWidth + c.filterWidth - 1 - left;
  if (c.dataFormat !== 'channelsLast' || c.strideHeight !== 1 || c.strideWidth !== 1
      || top < 0 || left < 0 || bottom < 0 || right < 0) {
    return stock('Conv2DBackpropInput')(args);
  }
  const flipped = run('Reverse', backend, { x: filter }, { dims: [0, 1] });
  const swapped = transpose(backend, flipped, [0, 1, 3, 2]);
  const out = run('Conv2D', backend, { x: dy, filter: swapped }, {
    strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1],
  });
  release(backend, flipped, swapped);
  return out;
}
