import { getKernel, registerGradient, registerKernel, unregisterKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { ADAM_UPDATE_KERNEL, adamUpdate } from './adam.kernel';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.kernel';
import { conv2DBackpropInput } from './conv2d-backprop-input.kernel';
import { CONV_BIAS_RELU_KERNEL, conv2D, convBiasRelu, convBiasReluGradConfig, fusedConv2D } from './conv2d.kernel';
import { add, registerReluGradient, relu, RELU_GRAD_KERNEL, reluGrad } from './elementwise.kernel';
import { stockKernels, type KernelArgs, type WasmKernelFunc } from './kernel-utils';
import { batchMatMul, cast, fusedMatMul, identity, slice, sum } from './layout.kernel';
import { avgPoolGrad, maxPool, maxPoolGrad } from './pool-grad.kernel';

/** Epoch's replacements for (or additions to) the stock tfjs-wasm kernels, by kernel name. */
export const EPOCH_WASM_KERNELS: Readonly<Record<string, WasmKernelFunc | ((args: KernelArgs) => TensorInfo[])>> = {
  Conv2D: conv2D,
  FusedConv2D: fusedConv2D,
  [CONV_BIAS_RELU_KERNEL]: convBiasRelu,
  Add: add,
  Relu: relu,
  MaxPool: maxPool,
  [RELU_GRAD_KERNEL]: reluGrad,
  [ADAM_UPDATE_KERNEL]: adamUpdate,
  Conv2DBackpropFilter: conv2DBackpropFilter,
  Conv2DBackpropInput: conv2DBackpropInput,
  MaxPoolGrad: maxPoolGrad,
  AvgPoolGrad: avgPoolGrad,
  BatchMatMul: batchMatMul,
  _FusedMatMul: fusedMatMul,
  Sum: sum,
  Slice: slice,
  Identity: identity,
  Cast: cast,
};

let registered = false;

/**
 * Registers Epoch's kernels for the wasm backend. Must run after the wasm backend package is imported (its stock
 * kernels are registered on import) and before the backend is initialised: the stock setupFunc, which binds the wasm
 * export at initialisation, is kept with the replacement so the stock kernel stays callable as the fallback.
 */
export function registerEpochWasmKernels(): void {
  if (registered) return;
  for (const [name, kernelFunc] of Object.entries(EPOCH_WASM_KERNELS)) {
    const prev = getKernel(name, 'wasm');
    if (prev) {
      stockKernels.set(name, prev.kernelFunc as WasmKernelFunc);
      unregisterKernel(name, 'wasm');
    }
    registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc, setupFunc: prev?.setupFunc });
  }
  registerReluGradient();
  registerGradient(convBiasReluGradConfig);
  registered = true;
}
