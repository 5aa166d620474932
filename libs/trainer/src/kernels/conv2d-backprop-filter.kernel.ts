import { backend_util, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, input, release, run, stock, transpose, wasmBackend, type KernelArgs } from './kernel-utils';
import { heapOffset, nativeKernels, type TNativeKernels } from './native/native-kernels';

/**
 * With this few input channels (an image CNN's first layer) XNNPACK's convolution has an output of only Ci columns and
 * runs 2-3x slower than an explicit im2col + one matrix product (measured on model3's first layer).
 */
const IM2COL_MAX_IN_CHANNELS = 4;

type Conv2DInfo = backend_util.Conv2DInfo;

/**
 * Conv2DBackpropFilter for the wasm backend, which has none. The weight gradient
 *   dW[kh,kw,ci,co] = sum over n,oh,ow of x[n, oh*sh+kh-top, ow*sw+kw-left, ci] * dy[n,oh,ow,co]
 * is itself a convolution in which the batch is the contraction axis, so it runs on XNNPACK's Conv2D.
 */
export function conv2DBackpropFilter(args: KernelArgs): TensorInfo {
  const backend = wasmBackend(args);
  const x = input(args, 'x');
  const dy = input(args, 'dy');
  const info = conv2DInfoFromAttrs(x.shape, args.attrs ?? {});
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    return conv2DBackpropFilterDirect(backend, x, dy, info);
  }
  const native = nativeKernels(backend);
  if (native) return viaNative(backend, native, x, dy, info);
  if (info.inChannels <= IM2COL_MAX_IN_CHANNELS) return viaIm2col(backend, x, dy, info);
  const fast = info.strideHeight === 1 && info.strideWidth === 1 && info.inChannels < info.outChannels ? viaInputAsFilter(backend, x, dy, info) : null;
  return fast ?? viaDilatedConv(backend, x, dy, info);
}

export function conv2DInfoFromAttrs(xShape: number[], attrs: NamedAttrMap): Conv2DInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number;
    pad: backend_util.PadInfo['type'] | number | backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad as 'same',
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat ?? 'NHWC'),
  );
}

/**
 * Epoch's native SIMD kernel (native/epoch-kernels.c): dW = patches^T @ dy without materialising the patches. With a
 * multiple of 4 input channels it reads x in place and skips the taps in the padding; otherwise (an image's 3 colour
 * channels) through a zero-padded copy (made natively, split over the threads) in which every window lies inside
 * (rows/columns no window reaches are left out; no copy at all when x already is one, as with 'valid' padding).
 */
function viaNative(backend: BackendWasm, k: TNativeKernels, x: TensorInfo, dy: TensorInfo, c: Conv2DInfo): TensorInfo {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co } = c;
  let top = c.padInfo.top;
  let left = c.padInfo.left;
  const needH = (OH - 1) * c.strideHeight + c.filterHeight;
  const needW = (OW - 1) * c.strideWidth + c.filterWidth;
  let xp = x;
  let Hp = H;
  let Wp = W;
  if (Ci % 4 !== 0 && (top > 0 || left > 0 || needH > H || needW > W)) {
    Hp = needH;
    Wp = needW;
    xp = backend.makeOutput([N, Hp, Wp, Ci], 'float32');
    k.padImages(heapOffset(backend, x), N, H, W, Ci, heapOffset(backend, xp), Hp, Wp, top, left);
    top = 0;
    left = 0;
  }
  const out = backend.makeOutput(c.filterShape, 'float32');
  k.conv2dFilterGrad({
    x: heapOffset(backend, xp),
    n: N,
    h: Hp,
    w: Wp,
    ci: Ci,
    dy: heapOffset(backend, dy),
    oh: OH,
    ow: OW,
    co: Co,
    kh: c.filterHeight,
    kw: c.filterWidth,
    sh: c.strideHeight,
    sw: c.strideWidth,
    padTop: top,
    padLeft: left,
    dw: heapOffset(backend, out),
    scratch: (floats: number) => {
      const t = backend.makeOutput([floats], 'float32');
      return { offset: heapOffset(backend, t), release: () => release(backend, t) };
    },
  });
  if (xp !== x) release(backend, xp);
  return out;
}

/**
 * Stride 1 and fewer input than output channels: x (the smaller tensor) becomes the filter, because XNNPACK packs the
 * filter afresh on every call. out[co,i,j,ci] = sum_{p,q,n} dyPadded[co,i+p,j+q,n] * x[n,p,q,ci] = dW[KH-1-i,KW-1-j,ci,co].
 */
function viaInputAsFilter(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, c: Conv2DInfo): TensorInfo | null {
  const top = c.filterHeight - 1 - c.padInfo.top;
  const bottom = c.inHeight - c.outHeight + c.padInfo.top;
  const left = c.filterWidth - 1 - c.padInfo.left;
  const right = c.inWidth - c.outWidth + c.padInfo.left;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) return null;
  const dyT = transpose(backend, dy, [3, 1, 2, 0]); // [Co,OH,OW,N]
  const xF = transpose(backend, x, [1, 2, 0, 3]); // [H,W,N,Ci]
  const r = run(
    'Conv2D',
    backend,
    { x: dyT, filter: xF },
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
  ); // [Co,KH,KW,Ci]
  const flipped = run('Reverse', backend, { x: r }, { dims: [1, 2] });
  const out = transpose(backend, flipped, [1, 2, 3, 0]); // [KH,KW,Ci,Co]
  release(backend, dyT, xF, r, flipped);
  return out;
}

/**
 * Any stride and padding: x^T [Ci,H,W,N] is the input and dy^T [OH,OW,N,Co] the filter, dilated by the stride.
 * Rows/columns of x that no strided window reaches (a 'valid' window that leaves trailing pixels unused) would make the
 * bottom/right padding negative: they are cropped off first, since they contribute nothing to the gradient.
 */
function viaDilatedConv(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, c: Conv2DInfo): TensorInfo {
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  const bottom = c.filterHeight - 1 + (c.outHeight - 1) * c.strideHeight - c.inHeight - top + 1;
  const right = c.filterWidth - 1 + (c.outWidth - 1) * c.strideWidth - c.inWidth - left + 1;
  let xc = x;
  if (bottom < 0 || right < 0) {
    xc = run(
      'Slice',
      backend,
      { x },
      {
        begin: [0, 0, 0, 0],
        size: [c.batchSize, c.inHeight + Math.min(bottom, 0), c.inWidth + Math.min(right, 0), c.inChannels],
      },
    );
  }
  const xT = transpose(backend, xc, [3, 1, 2, 0]);
  if (xc !== x) release(backend, xc);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]);
  const r = run(
    'Conv2D',
    backend,
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, Math.max(bottom, 0)],
        [left, Math.max(right, 0)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [c.strideHeight, c.strideWidth],
    },
  ); // [Ci,KH,KW,Co]
  const out = transpose(backend, r, [1, 2, 0, 3]);
  release(backend, xT, dyT, r);
  return out;
}

/**
 * dW = patches^T @ dy, where patches^T [KH*KW*Ci, N*OH*OW] holds, for every filter tap, the input pixel each output
 * position sees (0 in the padding). Only output windows are visited, so unused trailing rows/columns never enter.
 */
function viaIm2col(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, c: Conv2DInfo): TensorInfo {
  const { inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW } = c;
  const K = c.filterHeight * c.filterWidth * Ci;
  const M = c.batchSize * OH * OW;
  const patches = backend.makeOutput([1, K, M], 'float32');
  const p = heapF32(backend, patches);
  const xv = heapF32(backend, x);
  for (let kh = 0; kh < c.filterHeight; kh++) {
    for (let kw = 0; kw < c.filterWidth; kw++) {
      for (let ci = 0; ci < Ci; ci++) {
        let m = ((kh * c.filterWidth + kw) * Ci + ci) * M;
        for (let n = 0; n < c.batchSize; n++) {
          for (let oh = 0; oh < OH; oh++) {
            const h = oh * c.strideHeight + kh - c.padInfo.top;
            if (h < 0 || h >= H) {
              p.fill(0, m, m + OW);
              m += OW;
              continue;
            }
            const rowBase = (n * H + h) * W;
            for (let ow = 0; ow < OW; ow++, m++) {
              const w = ow * c.strideWidth + kw - c.padInfo.left;
              p[m] = w < 0 || w >= W ? 0 : xv[(rowBase + w) * Ci + ci];
            }
          }
        }
      }
    }
  }
  const dyFlat = run('Reshape', backend, { x: dy }, { shape: [1, M, c.outChannels] });
  const product = stock('BatchMatMul')({ inputs: { a: patches, b: dyFlat }, backend, attrs: { transposeA: false, transposeB: false } });
  const out = run('Reshape', backend, { x: product }, { shape: c.filterShape });
  release(backend, patches, dyFlat, product);
  return out;
}

/** Direct loops on the wasm heap: any data format and dilation. Slow; only for shapes the convolution paths skip. */
export function conv2DBackpropFilterDirect(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, c: Conv2DInfo): TensorInfo {
  const out = backend.makeOutput(c.filterShape, 'float32');
  const dw = heapF32(backend, out);
  const xv = heapF32(backend, x);
  const dyv = heapF32(backend, dy);
  dw.fill(0);
  const last = c.dataFormat === 'channelsLast';
  const [H, W, Ci, Co, OH, OW] = [c.inHeight, c.inWidth, c.inChannels, c.outChannels, c.outHeight, c.outWidth];
  const xAt = last
    ? (n: number, h: number, w: number, ci: number) => ((n * H + h) * W + w) * Ci + ci
    : (n: number, h: number, w: number, ci: number) => ((n * Ci + ci) * H + h) * W + w;
  const dyAt = last
    ? (n: number, h: number, w: number, co: number) => ((n * OH + h) * OW + w) * Co + co
    : (n: number, h: number, w: number, co: number) => ((n * Co + co) * OH + h) * OW + w;
  for (let kh = 0; kh < c.filterHeight; kh++) {
    for (let kw = 0; kw < c.filterWidth; kw++) {
      for (let ci = 0; ci < Ci; ci++) {
        for (let co = 0; co < Co; co++) {
          let acc = 0;
          for (let n = 0; n < c.batchSize; n++) {
            for (let oh = 0; oh < OH; oh++) {
              const h = oh * c.strideHeight + kh * c.dilationHeight - c.padInfo.top;
              if (h < 0 || h >= H) continue;
              for (let ow = 0; ow < OW; ow++) {
                const w = ow * c.strideWidth + kw * c.dilationWidth - c.padInfo.left;
                if (w < 0 || w >= W) continue;
                acc += xv[xAt(n, h, w, ci)] * dyv[dyAt(n, oh, ow, co)];
              }
            }
          }
          dw[((kh * c.filterWidth + kw) * Ci + ci) * Co + co] = acc;
        }
      }
    }
  }
  return out;
}
