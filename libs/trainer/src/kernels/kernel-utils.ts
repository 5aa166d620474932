import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** What tfjs passes to a kernel function (the public typings say `backend: {}`). */
export interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: unknown;
  attrs?: NamedAttrMap;
}
export type WasmKernelFunc = (args: KernelArgs) => TensorInfo;

/** The stock wasm kernels, captured before Epoch's replacements are registered (replacements fall back to them). */
export const stockKernels = new Map<string, WasmKernelFunc>();

export function stock(name: string): WasmKernelFunc {
  const k = stockKernels.get(name) ?? (getKernel(name, 'wasm')?.kernelFunc as WasmKernelFunc | undefined);
  if (!k) throw new Error(`the wasm backend has no ${name} kernel`);
  return k;
}

/** Runs another wasm kernel from inside a kernel (no tape, no engine bookkeeping). */
export function run(name: string, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
  return stock(name)({ inputs, backend, attrs });
}

export function wasmBackend(args: KernelArgs): BackendWasm {
  return args.backend as BackendWasm;
}

export function input(args: KernelArgs, name: string): TensorInfo {
  const t = args.inputs[name];
  if (!t) throw new Error(`kernel input "${name}" is missing`);
  return t;
}

export function release(backend: BackendWasm, ...ts: TensorInfo[]): void {
  for (const t of ts) backend.disposeData(t.dataId);
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return run('Transpose', backend, { x }, { perm });
}

export function heapF32(backend: BackendWasm, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}
