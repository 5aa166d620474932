import { slice_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, input, release, run, stock, transpose, wasmBackend, type KernelArgs } from './kernel-utils';
import { heapOffset, nativeKernels } from './native/native-kernels';

/**
 * BatchMatMul: one product (batch 1, as in Dense layers) runs on the native convolution kernel as a 1x1 convolution,
 * split over the threads; others on XNNPACK, which is fast only without the transpose flags. Transposes are done
 * explicitly first either way (for XNNPACK 10-30x faster).
 */
export function batchMatMul(args: KernelArgs): TensorInfo {
  return withoutTransposes(args, (backend, a, b, attrs) => nativeMatMul(backend, a, b) ?? stock('BatchMatMul')({ inputs: { a, b }, backend, attrs }));
}

/** Runs `f` on a and b with their transpose flags applied by explicit transposes (released afterwards). */
function withoutTransposes(args: KernelArgs, f: (backend: BackendWasm, a: TensorInfo, b: TensorInfo, attrs: KernelArgs['attrs']) => TensorInfo): TensorInfo {
  const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  const backend = wasmBackend(args);
  const a = input(args, 'a');
  const b = input(args, 'b');
  const swapLast = (t: TensorInfo) => t.shape.map((_, i, s) => (i < s.length - 2 ? i : i === s.length - 2 ? s.length - 1 : s.length - 2));
  const a2 = transposeA ? transpose(backend, a, swapLast(a)) : a;
  const b2 = transposeB ? transpose(backend, b, swapLast(b)) : b;
  try {
    return f(backend, a2, b2, { ...args.attrs, transposeA: false, transposeB: false });
  } finally {
    if (a2 !== a) release(backend, a2);
    if (b2 !== b) release(backend, b2);
  }
}

/**
 * a [1,M,K] @ b [1,K,N] (or [M,K] @ [K,N]) as a 1x1 convolution of a seen as M/4 rows of 4 pixels with K channels (M/4 rows for the
 * threads to share, 4 pixels for the kernel's register block), or 1 row of M pixels when M is not a multiple of 4.
 * Null where the native kernel does not apply (batches, other dtypes, no native module).
 */
function nativeMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo, bias?: TensorInfo, relu = false): TensorInfo | null {
  const rank = a.shape.length;
  if (rank < 2 || rank > 3 || b.shape.length !== rank || (rank === 3 && (a.shape[0] !== 1 || b.shape[0] !== 1))) return null;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== b.shape[rank - 1])) return null;
  const k = nativeKernels(backend);
  if (!k) return null;
  const [M = 0, K = 0] = a.shape.slice(-2);
  const N = b.shape[rank - 1] ?? 0;
  const out = backend.makeOutput(rank === 3 ? [1, M, N] : [M, N], 'float32');
  if (M === 0 || N === 0) return out;
  const pixels = M % 4 === 0 ? 4 : M;
  k.conv2d({
    x: heapOffset(backend, a),
    n: M / pixels,
    h: 1,
    w: pixels,
    ci: K,
    filter: heapOffset(backend, b),
    kh: 1,
    kw: 1,
    co: N,
    sh: 1,
    sw: 1,
    padTop: 0,
    padLeft: 0,
    y: heapOffset(backend, out),
    oh: 1,
    ow: pixels,
    zero: 0,
    bias: bias ? heapOffset(backend, bias) : 0,
    relu,
  });
  return out;
}

/**
 * _FusedMatMul (a Dense layer at inference: product + bias + activation in one pass) on the native kernel for a linear
 * or ReLU activation and a per-column bias; otherwise the stock kernel. Transposes are always done explicitly first:
 * the stock kernel gives wrong results with transposeB (tfjs-backend-wasm 4.22; see the kernel tests).
 */
export function fusedMatMul(args: KernelArgs): TensorInfo {
  const act = ((args.attrs ?? {}) as { activation?: string }).activation ?? 'linear';
  const bias = args.inputs['bias'];
  const prelu = args.inputs['preluActivationWeights'];
  return withoutTransposes(
    args,
    (backend, a, b, attrs) =>
      ((act === 'linear' || act === 'relu') && !prelu ? nativeMatMul(backend, a, b, bias, act === 'relu') : null) ??
      stock('_FusedMatMul')({ inputs: { a, b, ...(bias ? { bias } : {}), ...(prelu ? { preluActivationWeights: prelu } : {}) }, backend, attrs }),
  );
}

/**
 * Sum over all leading axes (bias gradients, [N,H,W,C] -> [C]): Epoch's native SIMD column sum, else ones[1,R] @ x[R,C]
 * on XNNPACK (5-7x faster than a JS loop over the heap for model3's first layer, 64x32x32x32). Other sums: stock.
 */
export function sum(args: KernelArgs): TensorInfo {
  const x = input(args, 'x');
  const { axis, keepDims } = (args.attrs ?? {}) as { axis?: number | number[] | null; keepDims?: boolean };
  const rank = x.shape.length;
  const axes = (axis === null || axis === undefined ? x.shape.map((_, i) => i) : Array.isArray(axis) ? axis : [axis])
    .map((a) => (a < 0 ? a + rank : a))
    .sort((p, q) => p - q);
  if (x.dtype !== 'float32' || rank < 2 || axes.length !== rank - 1 || axes.some((a, i) => a !== i)) {
    return stock('Sum')(args);
  }
  const backend = wasmBackend(args);
  const C = x.shape[rank - 1];
  const rows = util.sizeFromShape(x.shape.slice(0, rank - 1));
  const outShape = keepDims ? [...x.shape.slice(0, rank - 1).map(() => 1), C] : [C];
  const native = nativeKernels(backend);
  if (native) {
    const out = backend.makeOutput(outShape, 'float32');
    native.sumRows(heapOffset(backend, x), rows, C, heapOffset(backend, out));
    return out;
  }
  const ones = backend.makeOutput([1, 1, rows], 'float32');
  heapF32(backend, ones).fill(1);
  const x3 = run('Reshape', backend, { x }, { shape: [1, rows, C] });
  const product = stock('BatchMatMul')({ inputs: { a: ones, b: x3 }, backend, attrs: { transposeA: false, transposeB: false } });
  const out = run('Reshape', backend, { x: product }, { shape: outShape });
  release(backend, ones, x3, product);
  return out;
}

/** Slice: the stock kernel copies the whole input out of the heap on every call; a contiguous slice is one memcpy. */
export function slice(args: KernelArgs): TensorInfo {
  const x = input(args, 'x');
  const { begin, size } = (args.attrs ?? {}) as unknown as { begin: number | number[]; size: number | number[] };
  if (x.dtype === 'string') return stock('Slice')(args);
  const [b, sz] = slice_util.parseSliceParams(x as Parameters<typeof slice_util.parseSliceParams>[0], begin, size);
  if (!slice_util.isSliceContinous(x.shape, b, sz)) return stock('Slice')(args);
  const backend = wasmBackend(args);
  const offset = slice_util.computeFlatOffset(b, util.computeStrides(x.shape));
  const out = backend.makeOutput(sz, x.dtype);
  const src = backend.typedArrayFromHeap(x);
  (backend.typedArrayFromHeap(out) as typeof src).set(src.subarray(offset, offset + util.sizeFromShape(sz)) as never);
  return out;
}

/** Identity: the stock kernel copies; the data is shared instead (reference counted), as the cpu backend does. */
export function identity(args: KernelArgs): TensorInfo {
  const x = input(args, 'x');
  if (x.dtype === 'string') return stock('Identity')(args);
  wasmBackend(args).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Cast to the dtype a tensor already has (ReLU's gradient casts its float mask) shares the data; others: stock. */
export function cast(args: KernelArgs): TensorInfo {
  const x = input(args, 'x');
  const { dtype } = (args.attrs ?? {}) as { dtype?: string };
  if (dtype !== x.dtype || x.dtype === 'string') return stock('Cast')(args);
  wasmBackend(args).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
