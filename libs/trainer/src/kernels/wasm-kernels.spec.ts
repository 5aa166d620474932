import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { buildModel } from '../model/build-model';
import { onBackend, randomFloats, relativeError } from '../testing/compare-backends';
import { model3Spec } from '../testing/model-specs';
import { conv2DBackpropFilterDirect, conv2DInfoFromAttrs } from './conv2d-backprop-filter.kernel';
import { EPOCH_WASM_KERNELS } from './register-wasm-kernels';
import { EpochAdamOptimizer } from '../model/optimizers';
import { setFusedConvEnabled } from '../model/fused-conv';
import {
  nativeKernelFailures,
  nativeKernels,
  nativeTeamStats,
  setNativeHelpersEnabled,
  setNativeHelpersFirst,
  setNativeKernelsEnabled,
} from './native/native-kernels';

type Shape4 = [number, number, number, number];
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const TOL = 1e-5;

type Inputs = Record<string, { shape: number[]; data: Float32Array }>;

const kernelRun = (name: string, inputs: Inputs, attrs: Record<string, unknown>) => () => {
  const ts = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
  return tf.engine().runKernel(name, ts, attrs as tf.NamedAttrMap) as tf.Tensor;
};

/** Runs one kernel on cpu and on wasm (Epoch's kernel) with the same inputs and returns the relative error. */
async function compareKernel(name: string, inputs: Inputs, attrs: Record<string, unknown>): Promise<number> {
  const run = kernelRun(name, inputs, attrs);
  const want = await onBackend('cpu', run);
  const got = await onBackend('wasm', run);
  return relativeError(got, want);
}

/**
 * Epoch's wasm kernels take one of several paths: the native SIMD module split over the helper threads (made to run
 * on the helpers here), the native module on the calling thread alone, or the XNNPACK/JS paths when the native module
 * is unavailable. Runs `f` once per path; `compare` gets each path's name and result.
 */
const PATHS = ['native, helper threads', 'native, one thread', 'without the native module'] as const;
async function onEveryPath(f: () => Promise<Float32Array>, compare: (path: string, got: Float32Array) => void): Promise<void> {
  for (const path of PATHS) {
    setNativeKernelsEnabled(path !== 'without the native module');
    setNativeHelpersEnabled(path === 'native, helper threads');
    setNativeHelpersFirst(path === 'native, helper threads');
    try {
      const joined = nativeTeamStats.joined;
      compare(path, await f());
      if (path === 'native, helper threads') expect(nativeTeamStats.joined, 'a helper thread took part').toBeGreaterThan(joined);
    } finally {
      setNativeKernelsEnabled(true);
      setNativeHelpersEnabled(true);
      setNativeHelpersFirst(false);
    }
  }
}

// [x shape, filter shape, strides, padding]: model3's layers, odd sizes, strides, 1x1 and 5x3 kernels, and strided
// 'valid' windows that leave trailing rows/columns of x unused (where a naive filter gradient is wrong).
const CONV_CASES: [Shape4, Shape4, [number, number], 'same' | 'valid'][] = [
  [[4, 32, 32, 3], [3, 3, 3, 32], [1, 1], 'same'],
  [[4, 16, 16, 32], [3, 3, 32, 32], [1, 1], 'same'],
  [[4, 8, 8, 32], [3, 3, 32, 64], [1, 1], 'same'],
  [[3, 11, 9, 5], [3, 3, 5, 7], [1, 1], 'valid'],
  [[3, 11, 9, 5], [5, 3, 5, 7], [1, 1], 'same'],
  [[3, 9, 7, 6], [3, 3, 6, 4], [1, 1], 'same'],
  [[3, 12, 10, 5], [3, 3, 5, 7], [2, 2], 'same'],
  [[3, 11, 9, 5], [3, 3, 5, 7], [2, 2], 'same'],
  [[4, 11, 9, 5], [3, 2, 5, 7], [2, 2], 'valid'],
  [[2, 10, 10, 3], [3, 3, 3, 4], [3, 3], 'valid'],
  [[2, 9, 8, 4], [2, 3, 4, 6], [2, 1], 'valid'],
  [[2, 7, 7, 4], [1, 1, 4, 6], [1, 1], 'same'],
  [[2, 7, 7, 4], [1, 1, 4, 6], [2, 2], 'valid'],
  // multiples of 4 input channels: the filter gradient reads x in place and skips taps in the padding
  [[3, 11, 9, 8], [3, 3, 8, 12], [2, 2], 'same'],
  [[2, 10, 9, 8], [5, 3, 8, 6], [1, 1], 'same'],
  [[2, 11, 9, 4], [3, 3, 4, 5], [2, 2], 'valid'],
  // few input channels take the im2col path
  [[2, 11, 9, 3], [3, 2, 3, 5], [2, 2], 'valid'],
  [[2, 9, 10, 2], [5, 3, 2, 4], [1, 2], 'same'],
  [[2, 8, 8, 1], [2, 2, 1, 3], [2, 2], 'same'],
];

describe('Epoch wasm kernels against the cpu backend', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 2 });
    // the helper threads start asynchronously: wait until one has joined a job
    const k = nativeKernels(tf.backend() as Parameters<typeof nativeKernels>[0]);
    expect(k, `native kernels: ${nativeKernelFailures().join('; ')}`).not.toBeNull();
    expect(k?.threads).toBe(2);
    const x = tf.randomUniform([8, 8, 8, 4]);
    const dy = tf.randomUniform([8, 8, 8, 4]);
    setNativeHelpersFirst(true);
    try {
      for (let i = 0; i < 200 && nativeTeamStats.joined === 0; i++) {
        tf.dispose(tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 4, 4] }));
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      setNativeHelpersFirst(false);
      tf.dispose([x, dy]);
    }
    expect(nativeTeamStats.joined, 'the helper thread started').toBeGreaterThan(0);
  });

  it('replaces every kernel it claims to', () => {
    for (const name of Object.keys(EPOCH_WASM_KERNELS)) {
      expect(tf.getKernel(name, 'wasm')?.kernelFunc).toBe(EPOCH_WASM_KERNELS[name]);
    }
  });

  it.each(CONV_CASES)('Conv2D, FusedConv2D, Conv2DBackpropFilter and Conv2DBackpropInput x%j f%j s%j %s', async (xs, fs, strides, pad) => {
    const info = tf.backend_util.computeConv2DInfo(xs, fs, strides, 1, pad);
    const x = { shape: xs, data: randomFloats(size(xs), 1) };
    const dy = { shape: info.outShape, data: randomFloats(size(info.outShape), 2) };
    const filter = { shape: fs, data: randomFloats(size(fs), 3) };
    const bias = { shape: [fs[3]], data: randomFloats(fs[3], 4) };
    const attrs = { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, 1] };
    const runs: [string, () => tf.Tensor][] = [
      ['Conv2D', kernelRun('Conv2D', { x, filter }, attrs)],
      ['FusedConv2D + bias + relu', kernelRun('FusedConv2D', { x, filter, bias }, { ...attrs, activation: 'relu' })],
      ['FusedConv2D, linear, no bias', kernelRun('FusedConv2D', { x, filter }, { ...attrs, activation: 'linear' })],
      ['FusedConv2D + bias + elu (stock)', kernelRun('FusedConv2D', { x, filter, bias }, { ...attrs, activation: 'elu' })],
      ['Conv2DBackpropFilter', kernelRun('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: fs })],
      ['Conv2DBackpropInput', kernelRun('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: xs })],
    ];
    for (const [name, run] of runs) {
      const want = await onBackend('cpu', run);
      await onEveryPath(
        () => onBackend('wasm', run),
        (path, got) => {
          // the stock elu and strided input gradients do not use the native module: nothing for a helper to join
          if (path === 'native, helper threads' && (name.includes('(stock)') || (name === 'Conv2DBackpropInput' && (strides[0] > 1 || strides[1] > 1)))) {
            nativeTeamStats.joined++;
          }
          expect(relativeError(got, want), `${name}, ${path}`).toBeLessThan(TOL);
        },
      );
    }
  });

  it('gives the same bits for a filter gradient whichever threads ran its chunks (seeded training repeats exactly)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randomFloats(64 * 16 * 16 * 32, 11), [64, 16, 16, 32]);
    const dy = tf.tensor(randomFloats(64 * 16 * 16 * 32, 12), [64, 16, 16, 32]);
    const grad = () => {
      const t = tf
        .engine()
        .runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 32] }) as tf.Tensor;
      const bits = Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));
      t.dispose();
      return bits;
    };
    try {
      const mainOnly = grad();
      setNativeHelpersFirst(true);
      const before = nativeTeamStats.helperChunks;
      const helpersFirst = grad();
      expect(nativeTeamStats.helperChunks, 'the helper ran chunks').toBeGreaterThan(before);
      expect(helpersFirst).toEqual(mainOnly);
    } finally {
      setNativeHelpersFirst(false);
      tf.dispose([x, dy]);
    }
  });

  it('the direct filter-gradient fallback matches the cpu backend, trailing columns included', async () => {
    const xs: Shape4 = [3, 11, 9, 5];
    const fs: Shape4 = [3, 2, 5, 7];
    const info = tf.backend_util.computeConv2DInfo(xs, fs, [2, 2], 1, 'valid');
    const xd = randomFloats(size(xs), 4);
    const dyd = randomFloats(size(info.outShape), 5);
    const want = await onBackend(
      'cpu',
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor(xd, xs), dy: tf.tensor(dyd, info.outShape) },
            { strides: [2, 2], pad: 'valid', dataFormat: 'NHWC', filterShape: fs },
          ) as tf.Tensor,
    );
    await tf.setBackend('wasm');
    const backend = tf.backend() as Parameters<typeof conv2DBackpropFilterDirect>[0];
    const x = tf.tensor(xd, xs);
    const dy = tf.tensor(dyd, info.outShape);
    const c = conv2DInfoFromAttrs(xs, { strides: [2, 2], pad: 'valid', dataFormat: 'NHWC', filterShape: fs });
    const out = conv2DBackpropFilterDirect(backend, x, dy, c);
    const got = backend.typedArrayFromHeap(out).slice() as Float32Array;
    backend.disposeData(out.dataId);
    tf.dispose([x, dy]);
    expect(relativeError(got, want)).toBeLessThan(TOL);
  });

  // [x shape, window, stride, padding]; relu data has many exact zeros, i.e. ties inside windows
  const POOL_CASES: [Shape4, number, number, 'same' | 'valid'][] = [
    [[4, 32, 32, 8], 2, 2, 'valid'],
    [[4, 8, 8, 16], 2, 2, 'valid'],
    [[3, 9, 7, 5], 3, 2, 'same'],
    [[3, 9, 7, 5], 2, 1, 'valid'],
    [[2, 7, 9, 3], 2, 2, 'valid'],
    [[2, 6, 6, 3], 3, 3, 'valid'],
    // 2x2/2 windows with channel counts that leave a SIMD tail, and more rows than the helpers' minimum
    [[3, 8, 10, 5], 2, 2, 'valid'],
    [[2, 12, 6, 7], 2, 2, 'same'],
    [[16, 4, 4, 2], 2, 2, 'valid'],
  ];
  it.each(POOL_CASES)('MaxPoolGrad x%j k%i s%i %s (with ties)', async (xs, k, s, pad) => {
    const info = tf.backend_util.computePool2DInfo(xs, k, s, 1, pad);
    const xd = randomFloats(size(xs), 6).map((v) => Math.max(v, 0));
    const dyd = randomFloats(size(info.outShape), 7);
    const run = () => {
      const x = tf.tensor(xd, xs);
      return tf
        .engine()
        .runKernel(
          'MaxPoolGrad',
          { dy: tf.tensor(dyd, info.outShape), input: x, output: tf.maxPool(x as tf.Tensor4D, k, s, pad) },
          { filterSize: k, strides: s, pad },
        ) as tf.Tensor;
    };
    const want = await onBackend('cpu', run);
    const split = k === 2 && s === 2 && (xs[0] as number) * info.outHeight >= 16;
    await onEveryPath(
      () => onBackend('wasm', run),
      (path, got) => {
        if (path === 'native, helper threads' && !split) nativeTeamStats.joined++; // too small to be split
        expect(relativeError(got, want), path).toBeLessThan(TOL);
      },
    );
  });

  it.each(POOL_CASES)('MaxPool x%j k%i s%i %s', async (xs, k, s, pad) => {
    const xd = randomFloats(size(xs), 20);
    const run = () => tf.maxPool(tf.tensor(xd, xs) as tf.Tensor4D, k, s, pad);
    const want = await onBackend('cpu', run);
    const info = tf.backend_util.computePool2DInfo(xs, k, s, 1, pad);
    const native = k === 2 && s === 2 && info.padInfo.top === 0 && info.padInfo.left === 0;
    await onEveryPath(
      () => onBackend('wasm', run),
      (path, got) => {
        if (path === 'native, helper threads' && !native) nativeTeamStats.joined++; // the stock kernel
        expect(relativeError(got, want), path).toBe(0);
      },
    );
  });

  it.each(POOL_CASES.filter((c) => c[3] === 'valid'))('AvgPoolGrad x%j k%i s%i %s', async (xs, k, s, pad) => {
    const info = tf.backend_util.computePool2DInfo(xs, k, s, 1, pad);
    expect(
      await compareKernel(
        'AvgPoolGrad',
        { dy: { shape: info.outShape, data: randomFloats(size(info.outShape), 8) }, input: { shape: xs, data: randomFloats(size(xs), 9) } },
        { filterSize: k, strides: s, pad },
      ),
    ).toBeLessThan(TOL);
  });

  it.each([
    [[64, 1024], [1024, 64], false, false],
    [[64, 64], [1024, 64], false, true],
    [[64, 1024], [64, 64], true, false],
    [[3, 5, 7], [3, 5, 4], true, false],
    [[3, 7, 5], [3, 4, 5], false, true],
    [[2, 5, 7], [2, 4, 5], true, true],
    [[7, 13], [13, 10], false, false],
    [[12, 3], [3, 9], false, false],
    [[5, 6], [5, 11], true, false],
  ] as [number[], number[], boolean, boolean][])('BatchMatMul a%j b%j transposeA=%s transposeB=%s', async (as, bs, ta, tb) => {
    const run = kernelRun(
      'BatchMatMul',
      { a: { shape: as, data: randomFloats(size(as), 10) }, b: { shape: bs, data: randomFloats(size(bs), 11) } },
      { transposeA: ta, transposeB: tb },
    );
    const want = await onBackend('cpu', run);
    await onEveryPath(
      () => onBackend('wasm', run),
      (path, got) => {
        // batches run on XNNPACK, and products whose row count is not a multiple of 4 on the calling thread
        const m = ta ? (as[as.length - 1] as number) : (as[as.length - 2] as number);
        if (path === 'native, helper threads' && (as.length === 3 || m % 4 !== 0)) nativeTeamStats.joined++;
        expect(relativeError(got, want), path).toBeLessThan(TOL);
      },
    );
  });

  it.each([
    [[1, 64, 1024], [1, 1024, 64], 'relu', true, false],
    [[1, 12, 5], [1, 5, 9], 'linear', true, false],
    [[1, 7, 5], [1, 5, 3], 'relu', false, false],
    [[1, 8, 5], [1, 5, 3], 'elu', true, false],
    [[1, 8, 5], [1, 3, 5], 'relu', true, true],
  ] as [number[], number[], string, boolean, boolean][])('_FusedMatMul a%j b%j %s bias=%s transposeB=%s', async (as, bs, activation, withBias, tb) => {
    const n = tb ? (bs[1] as number) : (bs[2] as number);
    const inputs: Inputs = { a: { shape: as, data: randomFloats(size(as), 21) }, b: { shape: bs, data: randomFloats(size(bs), 22) } };
    if (withBias) inputs['bias'] = { shape: [n], data: randomFloats(n, 23) };
    const run = kernelRun('_FusedMatMul', inputs, { transposeA: false, transposeB: tb, activation });
    const want = await onBackend('cpu', run);
    const native = (activation === 'relu' || activation === 'linear') && (as[1] as number) % 4 === 0;
    await onEveryPath(
      () => onBackend('wasm', run),
      (path, got) => {
        if (path === 'native, helper threads' && !native) nativeTeamStats.joined++; // stock, or one row of pixels
        expect(relativeError(got, want), path).toBeLessThan(TOL);
      },
    );
  });

  it.each([
    [[16, 8, 8, 32], [0, 1, 2], false],
    [[64, 32, 32, 8], [0, 1, 2], false],
    [[64, 10], [0], false],
    [[64, 10], 0, true],
    [[4, 5, 6], [1, 0], false],
    [[4, 5, 6], [1, 2], false],
    [[4, 5, 6], null, false],
    [[4, 5, 6], -1, false],
    [[3, 7, 5, 37], [0, 1, 2], true],
    [[2, 300, 21], [0, 1], false],
  ] as [number[], number | number[] | null, boolean][])('Sum x%j axis=%j keepDims=%s', async (xs, axis, keepDims) => {
    const run = kernelRun('Sum', { x: { shape: xs, data: randomFloats(size(xs), 12) } }, { axis, keepDims });
    const want = await onBackend('cpu', run);
    setNativeKernelsEnabled(false);
    try {
      expect(relativeError(await onBackend('wasm', run), want), 'without the native module').toBeLessThan(TOL);
    } finally {
      setNativeKernelsEnabled(true);
    }
    expect(relativeError(await onBackend('wasm', run), want), 'native').toBeLessThan(TOL);
  });

  it('Identity and same-dtype Cast share the data; other casts convert', async () => {
    const xd = randomFloats(24, 15, -3, 3);
    for (const [name, attrs] of [
      ['Identity', {}],
      ['Cast', { dtype: 'float32' }],
      ['Cast', { dtype: 'int32' }],
    ] as const) {
      const run = () => {
        const x = tf.tensor(xd, [2, 3, 4]);
        const y = tf.engine().runKernel(name, { x }, attrs) as tf.Tensor;
        x.dispose(); // the output must stay valid after its input is gone
        return tf.cast(tf.add(y, y), 'float32');
      };
      expect(relativeError(await onBackend('wasm', run), await onBackend('cpu', run)), `${name} ${JSON.stringify(attrs)}`).toBe(0);
    }
    await tf.setBackend('wasm');
    const start = tf.memory().numDataBuffers;
    const x = tf.ones([64, 64]);
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor;
    expect(tf.memory().numDataBuffers, 'no copy').toBe(start + 1);
    x.dispose();
    expect(Array.from(await y.data()).every((v) => v === 1)).toBe(true);
    y.dispose();
    expect(tf.memory().numDataBuffers, 'released with its last user').toBe(start);
  });

  it.each([
    [
      [256, 8, 8, 3],
      [64, 0, 0, 0],
      [64, 8, 8, 3],
    ],
    [
      [10, 6],
      [3, 0],
      [4, 6],
    ],
    [
      [10, 6],
      [3, 1],
      [4, 3],
    ],
    [
      [4, 5, 6, 7],
      [1, 2, 0, 0],
      [2, 3, 6, 7],
    ],
    [
      [4, 5, 6, 7],
      [1, 2, 1, 0],
      [2, 3, 4, 7],
    ],
    [
      [5, 4],
      [1, 0],
      [-1, 4],
    ],
  ] as [number[], number[], number[]][])('Slice x%j begin %j size %j', async (xs, begin, sz) => {
    expect(await compareKernel('Slice', { x: { shape: xs, data: randomFloats(size(xs), 13) } }, { begin, size: sz })).toBe(0);
  });

  // [a shape, b shape, native]: a per-channel vector on either side takes the native kernel (split over the threads
  // when large); other broadcasts keep the stock kernel
  it.each([
    [[64, 16, 16, 32], [32], true],
    [[32], [64, 8, 8, 32], true],
    [[7, 5, 37], [1, 1, 37], true],
    [[300, 21], [21], true],
    [[4, 6], [4, 6], false],
    [[4, 6], [1], false],
    [[6], [6], false],
    [[2, 3, 4], [3, 4], false],
  ] as [number[], number[], boolean][])('Add a%j + b%j (native: %s)', async (as, bs, native) => {
    const run = kernelRun('Add', { a: { shape: as, data: randomFloats(size(as), 16) }, b: { shape: bs, data: randomFloats(size(bs), 17) } }, {});
    const want = await onBackend('cpu', run);
    const split = native; // in helpers-first mode every native job is split
    await onEveryPath(
      () => onBackend('wasm', run),
      (path, got) => {
        if (path === 'native, helper threads' && !split) nativeTeamStats.joined++; // nothing to split
        expect(relativeError(got, want), path).toBe(0);
      },
    );
  });

  it.each([[64 * 32 * 32 * 32], [4099], [7]])('ReLU and its gradient, %i elements (zeros, negatives, positives)', async (n) => {
    const xd = randomFloats(n, 18);
    for (let i = 0; i < n; i += 5) xd[i] = 0;
    const dyd = randomFloats(n, 19);
    for (const [name, run] of [
      ['Relu', () => tf.relu(tf.tensor(xd))],
      ['gradient', () => tf.grad((x: tf.Tensor) => tf.relu(x))(tf.tensor(xd), tf.tensor(dyd))],
    ] as const) {
      const want = await onBackend('cpu', run);
      await onEveryPath(
        () => onBackend('wasm', run),
        (path, got) => expect(relativeError(got, want), `${name}, ${path}`).toBe(0),
      );
    }
  });

  it('ReLU gradient on wasm is one kernel, and NaN in x stays NaN as with dy * step(x)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([NaN, -1, 0, 2, 3]);
    const dy = tf.tensor([5, 5, 5, 5, -4]);
    const profile = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.relu(t))(x, dy));
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain('EpochReluGrad');
    expect(names).not.toContain('Step');
    const g = tf.grad((t: tf.Tensor) => tf.relu(t))(x, dy);
    const got = Array.from(await g.data());
    expect(got[0]).toBeNaN();
    expect(got.slice(1)).toEqual([0, 0, 5, -4]);
    tf.dispose([x, dy, g, profile.result as tf.Tensor]);
  });

  it("Epoch's fused Adam step gives the same bits as tfjs's Adam, natively and in JS, with one kernel per variable", async () => {
    await tf.setBackend('wasm');
    const shapes = [[33], [4, 5], [3, 3, 2, 8]];
    const init = shapes.map((sh, i) => randomFloats(size(sh), 30 + i));
    const grads = [0, 1, 2].map((step) => shapes.map((sh, i) => randomFloats(size(sh), 40 + 3 * step + i)));
    const stepsOf = async (opt: tf.Optimizer) => {
      const vars = shapes.map((sh, i) => tf.variable(tf.tensor(init[i] as Float32Array, sh), true, `adam_check_${i}_${Math.random()}`));
      for (const g of grads) opt.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(g[i] as Float32Array, shapes[i])])));
      const weights = await Promise.all(vars.map(async (v) => Array.from(new Uint32Array(((await v.data()) as Float32Array).buffer))));
      const moments = await Promise.all(
        (await opt.getWeights()).map(async (w) => Array.from(new Uint32Array(((await w.tensor.data()) as Float32Array).buffer))),
      );
      tf.dispose(vars);
      opt.dispose();
      return { weights, moments };
    };
    const want = await stepsOf(tf.train.adam(0.01, 0.9, 0.999, 1e-7));
    for (const native of [true, false]) {
      setNativeKernelsEnabled(native);
      try {
        const profile = await tf.profile(async () => stepsOf(new EpochAdamOptimizer(0.01, 0.9, 0.999, 1e-7)));
        const got = await (profile.result as unknown as Promise<typeof want>);
        expect(got.weights, native ? 'native' : 'JS').toEqual(want.weights);
        expect(got.moments, native ? 'native' : 'JS').toEqual(want.moments);
        expect(profile.kernels.filter((k) => k.name === 'EpochAdamUpdate')).toHaveLength(grads.length * shapes.length);
        expect(profile.kernels.some((k) => k.name === 'Sqrt')).toBe(false);
      } finally {
        setNativeKernelsEnabled(true);
      }
    }
  });

  it("model3's fused convolution + bias + ReLU gives the same bits as the three separate layers' ops, with fewer kernels", async () => {
    await tf.setBackend('wasm');
    const xd = randomFloats(4 * 32 * 32 * 3, 24, 0, 1);
    const run = async (fused: boolean) => {
      const was = setFusedConvEnabled(fused);
      try {
        const built = buildModel(model3Spec(), 9);
        const x = tf.tensor4d(xd, [4, 32, 32, 3]);
        const y = tf.oneHot(tf.tensor1d([1, 2, 3, 4], 'int32'), 10);
        const profile = await tf.profile(() =>
          tf.variableGrads(() => tf.mean(built.loss(y, built.model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar),
        );
        const { value, grads } = profile.result as unknown as { value: tf.Scalar; grads: Record<string, tf.Tensor> };
        const bits = async (t: tf.Tensor) => Array.from(new Uint32Array(((await t.data()) as Float32Array).buffer));
        const out = {
          loss: await bits(value),
          grads: await Promise.all(built.model.trainableWeights.map((w) => bits(grads[w.name] as tf.Tensor))),
          kernels: profile.kernels.map((k) => k.name),
        };
        tf.dispose([x, y, value, ...Object.values(grads)]);
        built.model.dispose();
        return out;
      } finally {
        setFusedConvEnabled(was);
      }
    };
    const fused = await run(true);
    const separate = await run(false);
    expect(fused.loss).toEqual(separate.loss);
    expect(fused.grads).toEqual(separate.grads);
    expect(fused.kernels.filter((k) => k === 'EpochConvBiasRelu')).toHaveLength(3);
    expect(separate.kernels.filter((k) => k === 'EpochConvBiasRelu')).toHaveLength(0);
    // no input gradient for the first layer, whose input is the data
    expect(fused.kernels.filter((k) => k === 'Conv2DBackpropInput')).toHaveLength(2);
    expect(fused.kernels.length).toBeLessThan(separate.kernels.length);
  });

  it('model3 end to end: every weight gradient matches the cpu backend', async () => {
    const xd = randomFloats(2 * 32 * 32 * 3, 14, 0, 1);
    const labels = [3, 7];
    const gradsOn = async (backend: string) => {
      await tf.setBackend(backend);
      const built = buildModel(model3Spec(), 7);
      const x = tf.tensor4d(xd, [2, 32, 32, 3]);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
      const { value, grads } = tf.variableGrads(() => tf.mean(built.loss(y, built.model.apply(x, { training: false }) as tf.Tensor)) as tf.Scalar);
      const out = await Promise.all(built.model.trainableWeights.map(async (w) => (await grads[w.name]?.data()) as Float32Array));
      tf.dispose([x, y, value, ...Object.values(grads)]);
      built.model.dispose();
      return out;
    };
    const cpu = await gradsOn('cpu');
    const wasm = await gradsOn('wasm');
    expect(cpu).toHaveLength(10);
    cpu.forEach((g, i) => expect(relativeError(wasm[i] as Float32Array, g), `weight #${i}`).toBeLessThan(1e-4));
  });
});
