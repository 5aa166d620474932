import { util, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapF32, input, wasmBackend, type KernelArgs } from './kernel-utils';
import { heapOffset, nativeKernels } from './native/native-kernels';

/** Kernel name of Epoch's fused Adam step (wasm only; see `EpochAdamOptimizer`). */
export const ADAM_UPDATE_KERNEL = 'EpochAdamUpdate';

export interface TAdamUpdateAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/**
 * One Adam step of a variable in one pass: inputs value, m, v, gradient and the scalars 1 - beta1^t, 1 - beta2^t;
 * outputs [value, m, v]. Float32 arithmetic in exactly the order of tfjs's AdamOptimizer, so it gives the same bits as
 * its twelve kernels: natively in SIMD, or (without the native module) in JS with every step rounded to float32.
 */
export function adamUpdate(args: KernelArgs): TensorInfo[] {
  const backend = wasmBackend(args);
  const [w, m, v, g] = ['value', 'm', 'v', 'gradient'].map((n) => input(args, n)) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  const omab1 = heapF32(backend, input(args, 'oneMinusAccBeta1'))[0] as number;
  const omab2 = heapF32(backend, input(args, 'oneMinusAccBeta2'))[0] as number;
  const { beta1, beta2, epsilon, learningRate } = args.attrs as unknown as TAdamUpdateAttrs;
  const f = Math.fround;
  const c = { b1: f(beta1), omb1: f(1 - beta1), b2: f(beta2), omb2: f(1 - beta2), eps: f(epsilon), neglr: f(-learningRate) };
  const n = util.sizeFromShape(w.shape);
  const outs = [w, m, v].map((t) => backend.makeOutput(t.shape, 'float32')) as [TensorInfo, TensorInfo, TensorInfo];
  const k = nativeKernels(backend);
  if (k) {
    const [wOut, mOut, vOut] = outs.map((t) => heapOffset(backend, t)) as [number, number, number];
    k.adamUpdate({
      w: heapOffset(backend, w),
      m: heapOffset(backend, m),
      v: heapOffset(backend, v),
      g: heapOffset(backend, g),
      wOut,
      mOut,
      vOut,
      n,
      beta1: c.b1,
      oneMinusBeta1: c.omb1,
      beta2: c.b2,
      oneMinusBeta2: c.omb2,
      oneMinusAccBeta1: omab1,
      oneMinusAccBeta2: omab2,
      epsilon: c.eps,
      negLearningRate: c.neglr,
    });
    return outs;
  }
  const [wv, mv, vv, gv] = [w, m, v, g].map((t) => heapF32(backend, t)) as Float32Array[] as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [wo, mo, vo] = outs.map((t) => heapF32(backend, t)) as [Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < n; i++) {
    const gi = gv[i] as number;
    const mn = f(f((mv[i] as number) * c.b1) + f(gi * c.omb1));
    const vn = f(f((vv[i] as number) * c.b2) + f(f(gi * gi) * c.omb2));
    const den = f(f(Math.sqrt(f(vn / omab2))) + c.eps);
    mo[i] = mn;
    vo[i] = vn;
    wo[i] = f(f(f(f(mn / omab1) / den) * c.neglr) + (wv[i] as number));
  }
  return outs;
}
