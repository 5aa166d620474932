/**
 * Where one training step of model3 spends its time, kernel by kernel, on the wasm backend.
 *   npx tsx libs/trainer/bench/profile-step.ts [--threads 2] [--steps 20] [--by-shape] [--cpu-time] [--no-native] [--no-fused] [--no-relaxed-simd]
 * --cpu-time measures process CPU time instead of wall time (steadier on a shared machine; with one thread it is the
 * kernel's own time). --no-native turns Epoch's native SIMD kernels off, --no-fused its fused convolution + bias + ReLU
 * (the layers then run Conv2D, Add and Relu), --no-relaxed-simd the fused multiply-add build of the native module, for
 * comparison.
 */
import { parseArgs } from 'node:util';
import { model3Spec, profileTrainingStep, selectBackend, setFusedConvEnabled, setNativeKernelsEnabled, setRelaxedSimdEnabled } from '../src/index';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    steps: { type: 'string', default: '20' },
    'by-shape': { type: 'boolean', default: false },
    'cpu-time': { type: 'boolean', default: false },
    'no-native': { type: 'boolean', default: false },
    'no-fused': { type: 'boolean', default: false },
    'no-relaxed-simd': { type: 'boolean', default: false },
  },
});
// before the backend starts: without the native module XNNPACK's pool gets all the threads, as on a machine without it
setRelaxedSimdEnabled(!values['no-relaxed-simd']);
setNativeKernelsEnabled(!values['no-native']);
const info = await selectBackend({ backend: 'wasm', threads: Number(values.threads) });
setFusedConvEnabled(!values['no-fused']);
const p = await profileTrainingStep(model3Spec(), { steps: Number(values.steps), byShape: values['by-shape'], cpuTime: values['cpu-time'] });
const ms = (v: number) => v.toFixed(2).padStart(7);
console.log(
  `wasm, ${info.threads} threads, batch 64, ${values['cpu-time'] ? 'CPU' : 'wall'} time per step (median of ${p.steps}): ` +
    `${p.stepMs.toFixed(1)} ms = ${(64_000 / p.stepMs).toFixed(0)} img/s; batch creation ${p.batchMs.toFixed(1)} ms, kernels ${p.kernelMs.toFixed(1)} ms`,
);
for (const k of p.kernels) if (k.msPerStep >= 0.05) console.log(`  ${k.name.padEnd(60)} ${ms(k.msPerStep)} ms  x${k.callsPerStep}`);
console.log('of which, run from inside other kernels:');
for (const k of p.nested) if (k.msPerStep >= 0.05) console.log(`  ${k.name.padEnd(60)} ${ms(k.msPerStep)} ms  x${k.callsPerStep}`);
process.exit(0);
