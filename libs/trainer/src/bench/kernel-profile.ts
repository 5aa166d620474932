import * as tf from '@tensorflow/tfjs-core';
import type { TModelSpec } from '@epoch/contracts';
import { buildModel, disposeModel } from '../model/build-model';
import { makeBatch, sequentialIndices } from '../train/image-batches';
import { randomImageSet } from './throughput';

export interface TKernelTime {
  /** Kernel name; nested calls made from inside another kernel are named `parent > child`. */
  name: string;
  msPerStep: number;
  callsPerStep: number;
}

export interface TStepProfile {
  backend: string;
  steps: number;
  /** Wall time of one whole training step (batch creation + trainOnBatch), median over the steps. */
  stepMs: number;
  /** Of which: making the batch tensors from uint8. */
  batchMs: number;
  /** Sum of the top-level kernels' time per step; stepMs - batchMs - kernelMs is tfjs-layers/engine overhead. */
  kernelMs: number;
  /** Top-level kernels (exclusive of nothing: a kernel's time includes the kernels it runs), slowest first. */
  kernels: TKernelTime[];
  /** Kernels run from inside other kernels, slowest first (already counted in their parent's time). */
  nested: TKernelTime[];
}

/**
 * Wall-clock time of every kernel of the current backend during `steps` training steps of `spec` (after 2 warm-up
 * steps). Kernels run synchronously on the wasm and cpu backends, so the wall time is the kernel's own time. The
 * wrappers are removed afterwards.
 */
export async function profileTrainingStep(
  spec: TModelSpec,
  opts: { steps?: number; batchSize?: number; seed?: number; byShape?: boolean; cpuTime?: boolean } = {},
): Promise<TStepProfile> {
  const steps = opts.steps ?? 10;
  const batchSize = opts.batchSize ?? 64;
  const backendName = tf.getBackend();
  const top = new Map<string, { ms: number; n: number }>();
  const nested = new Map<string, { ms: number; n: number }>();
  const stack: string[] = [];
  // CPU time of the whole process (all threads): steadier than wall time on a shared machine.
  const now = opts.cpuTime
    ? () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      }
    : () => performance.now();
  let recording = false;
  const configs = tf.getKernelsForBackend(backendName);
  const originals = configs.map((c) => c.kernelFunc);
  for (const cfg of configs) {
    const f = cfg.kernelFunc;
    const name = cfg.kernelName;
    cfg.kernelFunc = (args) => {
      if (!recording) return f(args);
      const label = opts.byShape
        ? `${name} ${Object.values(args.inputs)
            .map((t) => JSON.stringify(t?.shape))
            .join(' ')}`
        : name;
      const key = stack.length === 0 ? label : `${stack[0]} > ${label}`;
      stack.push(name);
      const t0 = now();
      try {
        return f(args);
      } finally {
        const dt = now() - t0;
        stack.pop();
        const m = key.includes(' > ') ? nested : top;
        const s = m.get(key) ?? { ms: 0, n: 0 };
        s.ms += dt;
        s.n++;
        m.set(key, s);
      }
    };
  }
  const set = randomImageSet(spec, batchSize * (steps + 2), opts.seed ?? 1);
  const order = sequentialIndices(set.count);
  const built = buildModel(spec, opts.seed ?? 1);
  const stepTimes: number[] = [];
  let batchMs = 0;
  try {
    for (let s = 0; s < steps + 2; s++) {
      recording = s >= 2;
      const t0 = now();
      const { x, y } = makeBatch(set, order, s * batchSize, (s + 1) * batchSize, built.numClasses);
      const t1 = now();
      await built.model.trainOnBatch(x, y);
      tf.dispose([x, y]);
      if (recording) {
        stepTimes.push(now() - t0);
        batchMs += t1 - t0;
      }
    }
  } finally {
    recording = false;
    configs.forEach((c, i) => {
      c.kernelFunc = originals[i] as tf.KernelFunc;
    });
    disposeModel(built);
  }
  const list = (m: Map<string, { ms: number; n: number }>) =>
    [...m.entries()].map(([name, s]) => ({ name, msPerStep: s.ms / steps, callsPerStep: s.n / steps })).sort((a, b) => b.msPerStep - a.msPerStep);
  const kernels = list(top);
  const sorted = [...stepTimes].sort((a, b) => a - b);
  return {
    backend: backendName,
    steps,
    stepMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
    batchMs: batchMs / steps,
    kernelMs: kernels.reduce((a, k) => a + k.msPerStep, 0),
    kernels,
    nested: list(nested),
  };
}
