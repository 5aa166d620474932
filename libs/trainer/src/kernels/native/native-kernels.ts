import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { EPOCH_KERNELS_WASM_PLAIN, EPOCH_KERNELS_WASM_PLAIN_RELAXED, EPOCH_KERNELS_WASM_SHARED, EPOCH_KERNELS_WASM_SHARED_RELAXED } from './epoch-kernels.wasm';
import {
  ABSENT,
  DONE,
  HELPER,
  HELPER_WORDS,
  IDLE,
  JOB_NAMES,
  NEXT,
  POSTED,
  SEQ,
  TAKEN,
  chunkRunner,
  orderedArgs,
  writeJob,
  type TExports,
  type TJobArgs,
  type TJobName,
} from './thread-protocol.mjs';

/**
 * Epoch's native WebAssembly SIMD kernels (native/epoch-kernels.c), instantiated on tfjs-wasm's own memory so they read
 * and write its tensors in place. Pointers are byte offsets into that heap (see `heapOffset`), sizes are elements.
 *
 * On tfjs-wasm's threaded build (a shared memory) the work is also split between helper threads: worker_threads that
 * instantiate the same module on the same memory and take chunks of a job from a shared counter, woken by
 * Atomics.notify. The calling thread always works too and, if a helper has not started a job by the time the calling
 * thread runs out of chunks, withdraws it and does without (so a helper that is slow to start or descheduled by other
 * processes never makes a step wait).
 */
export interface TNativeKernels {
  /** Filter gradient (see epoch-kernels.c) of images [0, n), into dw (zeroed here), split over the threads. */
  conv2dFilterGrad(a: TFilterGradArgs): void;
  sumRows(x: number, rows: number, c: number, out: number): void;
  /** MaxPoolGrad 2x2/2 without padding of `rows` (= N*OH) output rows, split over the threads. */
  maxPoolGrad2x2(x: number, dy: number, dx: number, ow: number, c: number, rows: number): void;
  /** Convolution with optional fused bias and ReLU (see epoch-kernels.c), its output rows split over the threads. */
  conv2d(a: TConv2DArgs): void;
  /** dx = dy where x > 0, else 0, for `n` elements, split over the threads. */
  reluGrad(dy: number, x: number, dx: number, n: number): void;
  /** y[r][c] = x[r][c] + b[c] for `rows` rows of `c` columns, split over the threads. */
  addBias(x: number, b: number, y: number, rows: number, c: number): void;
  /** y = max(x, 0) for `n` elements, split over the threads. */
  relu(x: number, y: number, n: number): void;
  /** MaxPool 2x2/2 without padding of x [n,h,w,c] into y [n,oh,ow,c], split over the threads. */
  maxPool2x2(x: number, y: number, n: number, h: number, w: number, c: number, oh: number, ow: number): void;
  /** Zero-padded copy of x [n,h,w,c] into xp [n,hp,wp,c] at (top, left), split over the threads. */
  padImages(x: number, n: number, h: number, w: number, c: number, xp: number, hp: number, wp: number, top: number, left: number): void;
  /** One Adam step of `n` elements (see epoch-kernels.c), on the calling thread. */
  adamUpdate(a: TAdamArgs): void;
  /** Threads working on a job, the calling one included. */
  readonly threads: number;
  /** 'relaxed-simd' when the module with fused multiply-add runs, else 'simd'. */
  readonly variant: TNativeVariant;
}

export type TNativeVariant = 'relaxed-simd' | 'simd';

/** Heap offsets of the weights, moments and gradient, the outputs, and Adam's float32 constants. */
export interface TAdamArgs {
  w: number;
  m: number;
  v: number;
  g: number;
  wOut: number;
  mOut: number;
  vOut: number;
  n: number;
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negLearningRate: number;
}

export interface TConv2DArgs {
  x: number;
  n: number;
  h: number;
  w: number;
  ci: number;
  filter: number;
  kh: number;
  kw: number;
  co: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
  y: number;
  oh: number;
  ow: number;
  /** At least `ci` zeros (read for taps in the padding). */
  zero: number;
  /** Offset of `co` biases, or 0 for none. */
  bias: number;
  relu: boolean;
}

export interface TFilterGradArgs {
  /** x [n,h,w,ci]; where ci is not a multiple of 4 it must come padded: padTop = padLeft = 0, every window inside. */
  x: number;
  n: number;
  h: number;
  w: number;
  ci: number;
  dy: number;
  oh: number;
  ow: number;
  co: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
  dw: number;
  /** Scratch space of `floats` floats for the chunks' partial sums (used only when the work is split). */
  scratch: (floats: number) => { offset: number; release: () => void };
}

// The project's TypeScript libs have no WebAssembly JS API typings (no DOM lib); the little used here:
interface TWasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
type TWasmModule = object;
interface TWasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => TWasmModule;
  Instance: new (module: TWasmModule, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: TWasmApi }).WebAssembly;

interface TEmscriptenModule {
  wasmMemory?: TWasmMemory;
  asm?: { memory?: TWasmMemory };
}

let enabled = true;
let nativeThreads = 1;
let helpersEnabled = true;
let helpersFirst = false;
const instances = new WeakMap<TWasmMemory, TNativeKernels | null>();
const failures: string[] = [];
/** Jobs split over the threads, and how many of them a helper joined (for tests and benchmarks). */
export const nativeTeamStats = { jobs: 0, joined: 0, chunks: 0, helperChunks: 0 };

/** Turns the native kernels off (or back on), e.g. to compare with the XNNPACK/JS paths; returns the previous setting. */
export function setNativeKernelsEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/**
 * How many threads the native kernels split their work over on a shared memory (the calling one and helpers), for
 * backends initialised from now on. Set by the backend selection.
 */
export function setNativeThreads(n: number): void {
  nativeThreads = Math.max(1, Math.floor(n));
}

/** Whether the native module (the variant that would run) compiles here, for a shared or a plain memory. */
export function nativeModuleCompiles(shared: boolean): boolean {
  if (!enabled) return false;
  try {
    return wasmApi.validate(nativeModuleBytes(shared));
  } catch {
    return false;
  }
}

/** Lets the native kernels use their helper threads (default) or only the calling thread; returns the previous setting. */
export function setNativeHelpersEnabled(on: boolean): boolean {
  const was = helpersEnabled;
  helpersEnabled = on;
  return was;
}

/**
 * Tests only: the calling thread lets each helper finish the job first (waiting up to 10 s for it to start), so the
 * helpers' code path runs deterministically. Returns the previous setting.
 */
export function setNativeHelpersFirst(on: boolean): boolean {
  const was = helpersFirst;
  helpersFirst = on;
  return was;
}

/** Why the native kernels (or their helper threads) could not start, if they could not. */
export function nativeKernelFailures(): readonly string[] {
  return failures;
}

/** tfjs-wasm's heap: the threaded build creates it in JS (`wasmMemory`), the plain build exports it (`asm.memory`). */
export function wasmHeapMemory(backend: BackendWasm): TWasmMemory | undefined {
  const m = backend.wasm as unknown as TEmscriptenModule;
  return m.wasmMemory ?? m.asm?.memory;
}

/** The native kernels bound to this backend's heap, or null where they cannot run (the callers then fall back). */
export function nativeKernels(backend: BackendWasm): TNativeKernels | null {
  if (!enabled) return null;
  const memory = wasmHeapMemory(backend);
  if (!memory) return null;
  let k = instances.get(memory);
  if (k === undefined) {
    k = instantiate(memory);
    instances.set(memory, k);
  }
  return k;
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapOffset(backend: BackendWasm, t: TensorInfo): number {
  const d = backend.dataIdMap.get(t.dataId);
  if (!d) throw new Error('tensor is not on the wasm backend');
  return d.memoryOffset;
}

// ---- jobs split between the calling thread and the helpers (the protocol: thread-protocol.mjs) -----------------------
/** Jobs are cut into this many chunks per thread: small enough that a helper joining late still gets its share. */
const CHUNKS_PER_THREAD = 16;
/** Jobs of fewer elements (or multiply-adds) run on the calling thread alone: waking a helper would cost more. */
const MIN_SPLIT_ELEMENTS = 1 << 16;
/** In the tests' helpers-first mode every job is split, so that small cases run the helpers' path too. */
const tooSmallToSplit = (n: number) => !helpersFirst && n < MIN_SPLIT_ELEMENTS;

/** The helper threads' script, beside this file in the source tree and beside the bundle of an app (tools/bundle-app.mjs). */
const HELPER_SCRIPT = new URL('./native-helper-worker.mjs', import.meta.url);

/** A job for the thread team: an export of the protocol's table, its fixed arguments by name, its range in chunks. */
type TTeamJob<N extends TJobName> = Parameters<typeof writeJob<N>>[1];

class ThreadTeam {
  readonly ctrl: Int32Array;
  private readonly workers: Worker[] = [];

  constructor(
    readonly e: TExports,
    module: TWasmModule,
    memory: TWasmMemory,
    readonly helpers: number,
  ) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (HELPER + HELPER_WORDS * helpers)));
    for (let h = 0; h < helpers; h++) {
      // until a helper has started it counts as busy elsewhere: jobs posted to it are withdrawn (see `run`)
      this.ctrl[HELPER + HELPER_WORDS * h] = ABSENT;
      const w = new Worker(HELPER_SCRIPT, { workerData: { module, memory, control: this.ctrl.buffer, helper: h } });
      w.unref();
      w.on('error', (err) => {
        failures.push(`native kernel helper ${h}: ${err.message}`);
        Atomics.store(this.ctrl, HELPER + HELPER_WORDS * h, ABSENT);
      });
      this.workers.push(w);
    }
  }

  /**
   * Runs `job` in chunks of `per` of its range [0, total) on this thread and any helper that joins in time (each chunk
   * writes its own part of the output, so who ran it does not change the result).
   */
  run<N extends TJobName>(job: TTeamJob<N>): void {
    const { ctrl } = this;
    const chunks = writeJob(ctrl, job);
    Atomics.store(ctrl, NEXT, 0);
    const posted: boolean[] = [];
    for (let h = 0; h < this.helpers; h++) {
      const base = HELPER + HELPER_WORDS * h;
      ctrl[base + 1] = 0;
      posted.push(Atomics.compareExchange(ctrl, base, IDLE, POSTED) === IDLE);
    }
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
    if (helpersFirst) {
      posted.forEach((p, h) => {
        const base = HELPER + HELPER_WORDS * h;
        const until = Date.now() + 10_000;
        while (p && Atomics.load(ctrl, base) === POSTED && Date.now() < until) Atomics.wait(ctrl, base, POSTED, 1);
        while (Atomics.load(ctrl, base) === TAKEN) Atomics.wait(ctrl, base, TAKEN, 1000);
      });
    }
    const runChunk = chunkRunner(this.e, ctrl);
    for (let c = Atomics.add(ctrl, NEXT, 1); c < chunks; c = Atomics.add(ctrl, NEXT, 1)) runChunk(c);
    nativeTeamStats.jobs++;
    nativeTeamStats.chunks += chunks;
    let failed = -1;
    posted.forEach((p, h) => {
      if (!p) return;
      const base = HELPER + HELPER_WORDS * h;
      if (Atomics.compareExchange(ctrl, base, POSTED, IDLE) === POSTED) return; // never started: withdrawn
      while (Atomics.load(ctrl, base) !== DONE) Atomics.wait(ctrl, base, TAKEN, 1000);
      Atomics.store(ctrl, base, IDLE);
      const done = ctrl[base + 1] as number;
      if (done < 0) failed = h;
      if (done > 0) nativeTeamStats.joined++;
      nativeTeamStats.helperChunks += Math.max(0, done);
    });
    if (failed >= 0) throw new Error(`native kernel helper ${failed} failed in ${job.name}`);
  }
}

/** The module's exports: the jobs the threads split, and two that run on the calling thread alone. */
const EXPORTS: readonly string[] = [...JOB_NAMES, 'sum_rows', 'adam_update'];

/**
 * The module's bytes for this kind of memory: the relaxed-SIMD build (fused multiply-add) where the engine accepts it,
 * else plain SIMD128. Node 20's V8 has relaxed SIMD behind a flag, which is turned on here (it only adds instructions
 * to the ones wasm modules may use; later V8 versions have them on by default). `setRelaxedSimdEnabled(false)` keeps to
 * the plain build.
 */
export function nativeModuleBytes(shared: boolean, variant: TNativeVariant = preferredVariant()): Uint8Array {
  const b64 =
    variant === 'relaxed-simd'
      ? shared
        ? EPOCH_KERNELS_WASM_SHARED_RELAXED
        : EPOCH_KERNELS_WASM_PLAIN_RELAXED
      : shared
        ? EPOCH_KERNELS_WASM_SHARED
        : EPOCH_KERNELS_WASM_PLAIN;
  return Buffer.from(b64, 'base64');
}

let relaxedSupport: boolean | undefined;
/** Whether this engine runs relaxed SIMD (turning Node 20's flag on if needed). */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupport === undefined) {
    const probe = Buffer.from(EPOCH_KERNELS_WASM_PLAIN_RELAXED, 'base64');
    relaxedSupport = wasmApi.validate(probe);
    if (!relaxedSupport) {
      try {
        setFlagsFromString('--experimental-wasm-relaxed-simd');
        relaxedSupport = wasmApi.validate(probe);
      } catch {
        relaxedSupport = false;
      }
    }
  }
  return relaxedSupport;
}

let relaxedEnabled = true;
/**
 * Lets the native kernels use the relaxed-SIMD build where it runs (default), or keeps them to plain SIMD128, for
 * backends initialised from now on (for comparisons); returns the previous setting.
 */
export function setRelaxedSimdEnabled(on: boolean): boolean {
  const was = relaxedEnabled;
  relaxedEnabled = on;
  return was;
}

/** The native module build that runs here. */
export function preferredVariant(): TNativeVariant {
  return relaxedEnabled && relaxedSimdSupported() ? 'relaxed-simd' : 'simd';
}

function instantiate(memory: TWasmMemory): TNativeKernels | null {
  let e: TExports;
  let module: TWasmModule;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const variant = preferredVariant();
  try {
    module = new wasmApi.Module(nativeModuleBytes(shared, variant));
    e = new wasmApi.Instance(module, { env: { memory } }).exports as TExports;
    for (const name of EXPORTS) {
      if (typeof e[name] !== 'function') throw new Error(`the native module has no ${name}`);
    }
  } catch (err) {
    failures.push(err instanceof Error ? err.message : String(err));
    return null;
  }
  const fn = (name: string) => e[name] as (...args: number[]) => void;
  const sumRows = fn('sum_rows');
  const adam = fn('adam_update');
  let team: ThreadTeam | null = null;
  const helpers = shared ? Math.max(0, nativeThreads - 1) : 0;
  if (helpers > 0) {
    try {
      team = new ThreadTeam(e, module, memory, helpers);
    } catch (err) {
      failures.push(`native kernel helpers: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  /** Chunks of the range per thread: `per`, rounded up to a multiple of `multiple`. */
  const perChunk = (t: ThreadTeam, total: number, multiple = 1) => multiple * Math.max(1, Math.ceil(total / (multiple * CHUNKS_PER_THREAD * (t.helpers + 1))));
  /**
   * `name` over `total` rows of `work` elements (or multiply-adds) each: on this thread alone when small, else split
   * in chunks of `multiple` rows (element-wise jobs: whole vectors).
   */
  const split = <N extends TJobName>(name: N, args: TJobArgs<N>, total: number, work: number, multiple = 1) => {
    if (!team || !helpersEnabled || total < 2 || tooSmallToSplit(total * work)) {
      fn(name)(...orderedArgs(name, args), 0, total);
      return;
    }
    team.run({ name, args, per: perChunk(team, total, multiple), total });
  };
  return {
    get threads() {
      return helpersEnabled && team ? 1 + team.helpers : 1;
    },
    variant,
    conv2dFilterGrad(a) {
      const size = a.kh * a.kw * a.ci * a.co;
      const args = {
        x: a.x,
        H: a.h,
        W: a.w,
        Ci: a.ci,
        dy: a.dy,
        OH: a.oh,
        OW: a.ow,
        Co: a.co,
        KH: a.kh,
        KW: a.kw,
        sh: a.sh,
        sw: a.sw,
        pt: a.padTop,
        pl: a.padLeft,
      };
      if (!team || !helpersEnabled || a.n < 2) {
        fn('conv2d_filter_grad')(...orderedArgs('conv2d_filter_grad', args), a.dw, 0, a.n);
        return;
      }
      // The chunking depends only on the batch and the thread count, and every chunk stores its own partial sum, summed
      // in chunk order: the result is the same bits whichever threads ran the chunks (seeded runs repeat exactly).
      const per = perChunk(team, a.n);
      const chunks = Math.ceil(a.n / per);
      const scratch = a.scratch(chunks * size);
      try {
        team.run({ name: 'conv2d_filter_grad', args, per, total: a.n, slot: { base: scratch.offset, stride: 4 * size } });
        sumRows(scratch.offset, chunks, size, a.dw, 0, size);
      } finally {
        scratch.release();
      }
    },
    sumRows(x, rows, c, out) {
      sumRows(x, rows, c, out, 0, c);
    },
    maxPoolGrad2x2(x, dy, dx, ow, c, rows) {
      split('max_pool_grad_2x2', { x, dy, dx, OW: ow, C: c }, rows, ow * c * 4);
    },
    conv2d(a) {
      split(
        'conv2d',
        {
          x: a.x,
          H: a.h,
          W: a.w,
          Ci: a.ci,
          w: a.filter,
          KH: a.kh,
          KW: a.kw,
          Co: a.co,
          sh: a.sh,
          sw: a.sw,
          pt: a.padTop,
          pl: a.padLeft,
          y: a.y,
          OH: a.oh,
          OW: a.ow,
          zero: a.zero,
          bias: a.bias,
          relu: a.relu ? 1 : 0,
        },
        a.n * a.oh,
        a.ow * a.co * a.kh * a.kw * a.ci,
      );
    },
    reluGrad(dy, x, dx, n) {
      split('relu_grad', { dy, x, dx }, n, 1, 16);
    },
    addBias(x, b, y, rows, c) {
      split('add_bias', { x, b, y, C: c }, rows, c);
    },
    relu(x, y, n) {
      split('relu', { x, y }, n, 1, 16);
    },
    padImages(x, n, h, w, c, xp, hp, wp, top, left) {
      split('pad_images', { x, H: h, W: w, C: c, xp, Hp: hp, Wp: wp, top, left }, n, hp * wp * c);
    },
    adamUpdate(a) {
      adam(
        a.w,
        a.m,
        a.v,
        a.g,
        a.wOut,
        a.mOut,
        a.vOut,
        a.beta1,
        a.oneMinusBeta1,
        a.beta2,
        a.oneMinusBeta2,
        a.oneMinusAccBeta1,
        a.oneMinusAccBeta2,
        a.epsilon,
        a.negLearningRate,
        0,
        a.n,
      );
    },
    maxPool2x2(x, y, n, h, w, c, oh, ow) {
      split('max_pool_2x2', { x, y, H: h, W: w, C: c, OH: oh, OW: ow }, n * oh, ow * c * 4);
    },
  };
}
