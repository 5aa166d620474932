import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, input, stock, wasmBackend, type KernelArgs } from './kernel-utils';
import { heapOffset, nativeKernels } from './native/native-kernels';

type PoolAttrs = {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'same' | 'valid' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

function poolInfo(args: KernelArgs, shape: number[]): backend_util.Conv2DInfo {
  const { filterSize, strides, pad, dimRoundingMode } = (args.attrs ?? {}) as unknown as PoolAttrs;
  return backend_util.computePool2DInfo(shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
}

/** 2x2 windows with stride 2 and no padding (an odd last row or column is left out, as 'valid' does). */
function is2x2(c: backend_util.Conv2DInfo): boolean {
  return (
    c.filterHeight === 2 &&
    c.filterWidth === 2 &&
    c.strideHeight === 2 &&
    c.strideWidth === 2 &&
    c.padInfo.top === 0 &&
    c.padInfo.left === 0 &&
    c.dilationHeight === 1 &&
    c.dilationWidth === 1 &&
    2 * c.outHeight <= c.inHeight &&
    2 * c.outWidth <= c.inWidth
  );
}

/** MaxPool: the 2x2/2 windows of every CNN in the lesson on the native kernel, split over the threads; others stock. */
export function maxPool(args: KernelArgs): TensorInfo {
  const backend = wasmBackend(args);
  const x = input(args, 'x');
  const c = poolInfo(args, x.shape);
  const k = x.dtype === 'float32' && is2x2(c) ? nativeKernels(backend) : null;
  if (!k) return stock('MaxPool')(args);
  const out = backend.makeOutput(c.outShape, 'float32');
  k.maxPool2x2(heapOffset(backend, x), heapOffset(backend, out), c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth);
  return out;
}

/**
 * MaxPoolGrad in JS on the wasm heap (the stock kernel is a slow scalar loop). As in the cpu backend, each window's
 * gradient goes to its FIRST maximal element in row-major window order, which matters after ReLU (many tied zeros).
 */
export function maxPoolGrad(args: KernelArgs): TensorInfo {
  const backend = wasmBackend(args);
  const x = input(args, 'input');
  const dy = input(args, 'dy');
  const c = poolInfo(args, x.shape);
  const out = backend.makeOutput(x.shape, 'float32');
  const xv = heapF32(backend, x);
  const dyv = heapF32(backend, dy);
  const dx = heapF32(backend, out);
  if (
    c.filterHeight === 2 &&
    c.filterWidth === 2 &&
    c.strideHeight === 2 &&
    c.strideWidth === 2 &&
    c.padInfo.top === 0 &&
    c.padInfo.left === 0 &&
    c.inHeight === 2 * c.outHeight &&
    c.inWidth === 2 * c.outWidth
  ) {
    const native = nativeKernels(backend);
    if (native) {
      native.maxPoolGrad2x2(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, out), c.outWidth, c.inChannels, c.batchSize * c.outHeight);
      return out;
    }
    maxPoolGrad2x2(xv, dyv, dx, c);
  } else {
    maxPoolGradGeneral(xv, dyv, dx, c);
  }
  return out;
}

function maxPoolGrad2x2(xv: Float32Array, dyv: Float32Array, dx: Float32Array, c: backend_util.Conv2DInfo): void {
  const C = c.inChannels;
  const row = c.inWidth * C;
  let d = 0;
  for (let b = 0; b < c.batchSize; b++) {
    for (let oh = 0; oh < c.outHeight; oh++) {
      const rowBase = (b * c.inHeight + 2 * oh) * row;
      for (let ow = 0; ow < c.outWidth; ow++) {
        const p00 = rowBase + 2 * ow * C;
        for (let ch = 0; ch < C; ch++, d++) {
          const p0 = p00 + ch;
          const p1 = p0 + C;
          const p2 = p0 + row;
          const p3 = p2 + C;
          const g = dyv[d];
          let m = xv[p0];
          let k = 0;
          if (xv[p1] > m) {
            m = xv[p1];
            k = 1;
          }
          if (xv[p2] > m) {
            m = xv[p2];
            k = 2;
          }
          if (xv[p3] > m) k = 3;
          dx[p0] = k === 0 ? g : 0;
          dx[p1] = k === 1 ? g : 0;
          dx[p2] = k === 2 ? g : 0;
          dx[p3] = k === 3 ? g : 0;
        }
      }
    }
  }
}

function maxPoolGradGeneral(xv: Float32Array, dyv: Float32Array, dx: Float32Array, c: backend_util.Conv2DInfo): void {
  dx.fill(0);
  const { inHeight: H, inWidth: W, inChannels: C } = c;
  const best = new Float32Array(C);
  const bestAt = new Int32Array(C);
  for (let b = 0; b < c.batchSize; b++) {
    for (let oh = 0; oh < c.outHeight; oh++) {
      const h0 = oh * c.strideHeight - c.padInfo.top;
      for (let ow = 0; ow < c.outWidth; ow++) {
        const w0 = ow * c.strideWidth - c.padInfo.left;
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let i = 0; i < c.effectiveFilterHeight; i++) {
          const h = h0 + i;
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < c.effectiveFilterWidth; j++) {
            const w = w0 + j;
            if (w < 0 || w >= W) continue;
            const base = ((b * H + h) * W + w) * C;
            for (let ch = 0; ch < C; ch++) {
              const v = xv[base + ch];
              if (v > best[ch]) {
                best[ch] = v;
                bestAt[ch] = base + ch;
              }
            }
          }
        }
        const dyBase = ((b * c.outHeight + oh) * c.outWidth + ow) * C;
        for (let ch = 0; ch < C; ch++) if (bestAt[ch] >= 0) dx[bestAt[ch]] += dyv[dyBase + ch];
      }
    }
  }
}

/**
 * AvgPoolGrad in JS on the wasm heap. Each output's gradient is spread evenly over its window, divided by the full
 * window area as the cpu backend's AvgPoolGrad does (so both backends train the same model identically).
 */
export function avgPoolGrad(args: KernelArgs): TensorInfo {
  const backend = wasmBackend(args);
  const x = input(args, 'input');
  const dy = input(args, 'dy');
  const c = poolInfo(args, x.shape);
  const out = backend.makeOutput(x.shape, 'float32');
  const dyv = heapF32(backend, dy);
  const dx = heapF32(backend, out);
  dx.fill(0);
  const { inHeight: H, inWidth: W, inChannels: C } = c;
  const scale = 1 / (c.filterHeight * c.filterWidth);
  for (let b = 0; b < c.batchSize; b++) {
    for (let oh = 0; oh < c.outHeight; oh++) {
      const h0 = oh * c.strideHeight - c.padInfo.top;
      for (let ow = 0; ow < c.outWidth; ow++) {
        const w0 = ow * c.strideWidth - c.padInfo.left;
        const dyBase = ((b * c.outHeight + oh) * c.outWidth + ow) * C;
        for (let i = Math.max(0, -h0); i < c.filterHeight && h0 + i < H; i++) {
          for (let j = Math.max(0, -w0); j < c.filterWidth && w0 + j < W; j++) {
            const base = ((b * H + h0 + i) * W + w0 + j) * C;
            for (let ch = 0; ch < C; ch++) dx[base + ch] += dyv[dyBase + ch] * scale;
          }
        }
      }
    }
  }
  return out;
}
