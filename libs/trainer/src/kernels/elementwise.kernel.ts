import { cast, engine, getBackend, mul, registerGradient, step, util, type GradConfig, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import { input, release, run, stock, wasmBackend, type KernelArgs } from './kernel-utils';
import { heapOffset, nativeKernels } from './native/native-kernels';

/**
 * Add where one side is a per-channel vector ([..., C] + [C], a bias added over all leading axes, as every Conv2D and
 * Dense layer does while training) on the native kernel, split over the threads; the stock kernel broadcasts slowly.
 * Every other Add is the stock kernel's.
 */
export function add(args: KernelArgs): TensorInfo {
  const a = input(args, 'a');
  const b = input(args, 'b');
  const [big, vec] = isChannelVector(b, a) ? [a, b] : isChannelVector(a, b) ? [b, a] : [null, null];
  const backend = wasmBackend(args);
  const k = big && vec ? nativeKernels(backend) : null;
  if (!k || !big || !vec) return stock('Add')(args);
  const c = big.shape[big.shape.length - 1] as number;
  const out = backend.makeOutput(big.shape, 'float32');
  k.addBias(heapOffset(backend, big), heapOffset(backend, vec), heapOffset(backend, out), util.sizeFromShape(big.shape) / c, c);
  return out;
}

/** v is float32 [C] (or [1,...,1,C] of no higher rank) and x float32 [..., C] with more than one row. */
function isChannelVector(v: TensorInfo, x: TensorInfo): boolean {
  const c = x.shape[x.shape.length - 1];
  return (
    v.dtype === 'float32' &&
    x.dtype === 'float32' &&
    x.shape.length >= 2 &&
    v.shape.length <= x.shape.length &&
    v.shape[v.shape.length - 1] === c &&
    v.shape.slice(0, -1).every((d) => d === 1) &&
    util.sizeFromShape(x.shape) > (c ?? 0)
  );
}

/** Relu on the native kernel, split over the threads (the stock kernel runs on XNNPACK's single pool thread). */
export function relu(args: KernelArgs): TensorInfo {
  const backend = wasmBackend(args);
  const x = input(args, 'x');
  const k = x.dtype === 'float32' ? nativeKernels(backend) : null;
  if (!k) return stock('Relu')(args);
  const out = backend.makeOutput(x.shape, 'float32');
  k.relu(heapOffset(backend, x), heapOffset(backend, out), util.sizeFromShape(x.shape));
  return out;
}

/** Kernel name of ReLU's gradient on the wasm backend (the stock gradient takes three kernels: Step, Cast, Multiply). */
export const RELU_GRAD_KERNEL = 'EpochReluGrad';

/** dx = dy where x > 0, else 0: one native pass over the data, split over the threads. */
export function reluGrad(args: KernelArgs): TensorInfo {
  const backend = wasmBackend(args);
  const dy = input(args, 'dy');
  const x = input(args, 'x');
  const k = dy.dtype === 'float32' && x.dtype === 'float32' ? nativeKernels(backend) : null;
  if (!k) {
    const s = run('Step', backend, { x }, { alpha: 0 });
    const out = run('Multiply', backend, { a: dy, b: s });
    release(backend, s);
    return out;
  }
  const out = backend.makeOutput(x.shape, 'float32');
  k.reluGrad(heapOffset(backend, dy), heapOffset(backend, x), heapOffset(backend, out), util.sizeFromShape(x.shape));
  return out;
}

/** ReLU's gradient: Epoch's single kernel on the wasm backend, tfjs's own formula (dy * step(x)) on any other. */
export const reluGradConfig: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as Tensor[];
    const g = dy as Tensor;
    return {
      x: () => (getBackend() === 'wasm' && x ? (engine().runKernel(RELU_GRAD_KERNEL, { dy: g, x }) as Tensor) : mul(g, cast(step(x as Tensor), 'float32'))),
    };
  },
};

/** Replaces tfjs's gradient of Relu with `reluGradConfig`. */
export function registerReluGradient(): void {
  registerGradient(reluGradConfig);
}
