import { Worker } from 'node:worker_threads';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { getThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { EPOCH_KERNELS_WASM_PLAIN, EPOCH_KERNELS_WASM_SHARED } from './epoch-kernels.wasm';

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
  /** Threads working on a job, the calling one included. */
  readonly threads: number;
}

export interface TFilterGradArgs {
  xp: number; n: number; hp: number; wp: number; ci: number; dy: number; oh: number; ow: number; co: number;
  kh: number; kw: number; sh: number; sw: number; dw: number;
  /** Scratch space of `floats` floats for the chunks' partial sums (used only when the work is split). */
  scratch: (floats: number) => { offset: number; release: () => void };
}

// The project's TypeScript libs have no WebAssembly JS API typings (no DOM lib); the little used here:
interface TWasmMemory { readonly buffer: ArrayBuffer | SharedArrayBuffer }
type TWasmModule = object;
interface TWasmApi {
  Module: new (bytes: Uint8Array) => TWasmModule;
  Instance: new (module: TWasmModule, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: TWasmApi }).WebAssembly;

interface TEmscriptenModule {
  wasmMemory?: TWasmMemory;
  asm?: { memory?: TWasmMemory };
}

type TExports = Record<string, (...args: number[]) => number | undefined>;

let enabled = true;
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

// ---- jobs shared by the calling thread and the helpers ---------------------------------------------------------------
// Control block (Int32Array on a SharedArrayBuffer): [SEQ] bumped per job (helpers wait on it), [NEXT] next chunk,
// [CHUNKS] chunk count, [FN] job kind, ARGS.. its arguments; per helper h at HELPER + 4h: state, chunks done.
const SEQ = 0;
const NEXT = 1;
const CHUNKS = 2;
const FN = 3;
const ARGS = 4;
const HELPER = 32;
const IDLE = 0;
const POSTED = 1;
const TAKEN = 2;
const DONE = 3;
const FN_FILTER_GRAD = 1;
const FN_MAX_POOL_GRAD = 2;
/** Jobs are cut into this many chunks per thread: small enough that a helper joining late still gets its share. */
const CHUNKS_PER_THREAD = 16;

/**
 * Body of `runChunk(e, ctrl, c)`: runs chunk `c` of the current job with the module's exports `e`. Plain JS source,
 * because the helpers run the very same code.
 */
const RUN_CHUNK_BODY = `
  const a = (i) => ctrl[${ARGS} + i];
  if (ctrl[${FN}] === ${FN_FILTER_GRAD}) {
    // Each chunk into its own slot of the scratch (a(14) + chunk * a(15) bytes): the sum over chunks is then made in
    // chunk order whichever thread ran which chunk, so training stays deterministic.
    const per = a(12), n0 = c * per, n1 = Math.min(a(13), n0 + per);
    e.conv2d_filter_grad(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11), (a(14) >>> 0) + c * a(15), n0, n1);
  } else if (ctrl[${FN}] === ${FN_MAX_POOL_GRAD}) {
    const per = a(6), r0 = c * per;
    e.max_pool_grad_2x2(a(0), a(1), a(2), a(3), a(4), r0, Math.min(a(5), r0 + per));
  }
`;
type TRunChunk = (e: TExports, ctrl: Int32Array, c: number) => void;
// Built from our own constant source (above), the same text the helpers run.
const runChunk = new Function('e', 'ctrl', 'c', RUN_CHUNK_BODY) as TRunChunk;

const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, helper } = workerData;
const e = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(control);
const runChunk = (e, ctrl, c) => {${RUN_CHUNK_BODY}};
const base = ${HELPER} + 4 * helper;
let seen = Atomics.load(ctrl, ${SEQ});
Atomics.store(ctrl, base, ${IDLE});
for (;;) {
  if (Atomics.wait(ctrl, ${SEQ}, seen, 10000) === 'timed-out') continue;
  seen = Atomics.load(ctrl, ${SEQ});
  if (Atomics.compareExchange(ctrl, base, ${POSTED}, ${TAKEN}) !== ${POSTED}) continue;
  let done = 0;
  try {
    for (let c = Atomics.add(ctrl, ${NEXT}, 1); c < ctrl[${CHUNKS}]; c = Atomics.add(ctrl, ${NEXT}, 1)) {
      runChunk(e, ctrl, c);
      done++;
    }
  } catch {
    done = -1; // the calling thread reports it: it cannot hear this thread's 'error' event while it waits
  }
  ctrl[base + 1] = done;
  Atomics.store(ctrl, base, ${DONE});
  Atomics.notify(ctrl, base);
}
`;

class ThreadTeam {
  readonly ctrl: Int32Array;
  private readonly workers: Worker[] = [];

  constructor(readonly e: TExports, module: TWasmModule, memory: TWasmMemory, readonly helpers: number) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (HELPER + 4 * helpers)));
    for (let h = 0; h < helpers; h++) {
      // until a helper has started it counts as busy elsewhere: jobs posted to it are withdrawn (see `run`)
      this.ctrl[HELPER + 4 * h] = -1;
      const w = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, control: this.ctrl.buffer, helper: h } });
      w.unref();
      w.on('error', (err) => {
        failures.push(`native kernel helper ${h}: ${err.message}`);
        Atomics.store(this.ctrl, HELPER + 4 * h, -1);
      });
      this.workers.push(w);
    }
  }

  /**
   * Runs `chunks` chunks of job `fn` on this thread and any helper that joins in time (each chunk writes its own part
   * of the output, so who ran it does not change the result).
   */
  run(fn: number, args: number[], chunks: number): void {
    const { ctrl } = this;
    ctrl[FN] = fn;
    args.forEach((v, i) => { ctrl[ARGS + i] = v; });
    ctrl[CHUNKS] = chunks;
    Atomics.store(ctrl, NEXT, 0);
    const posted: boolean[] = [];
    for (let h = 0; h < this.helpers; h++) {
      const base = HELPER + 4 * h;
      ctrl[base + 1] = 0;
      posted.push(Atomics.compareExchange(ctrl, base, IDLE, POSTED) === IDLE);
    }
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
    if (helpersFirst) {
      posted.forEach((p, h) => {
        const base = HELPER + 4 * h;
        const until = Date.now() + 10_000;
        while (p && Atomics.load(ctrl, base) === POSTED && Date.now() < until) Atomics.wait(ctrl, base, POSTED, 1);
        while (Atomics.load(ctrl, base) === TAKEN) Atomics.wait(ctrl, base, TAKEN, 1000);
      });
    }
    for (let c = Atomics.add(ctrl, NEXT, 1); c < chunks; c = Atomics.add(ctrl, NEXT, 1)) runChunk(this.e, ctrl, c);
    nativeTeamStats.jobs++;
    nativeTeamStats.chunks += chunks;
    let failed = -1;
    posted.forEach((p, h) => {
      if (!p) return;
      const base = HELPER + 4 * h;
      if (Atomics.compareExchange(ctrl, base, POSTED, IDLE) === POSTED) return; // never started: withdrawn
      while (Atomics.load(ctrl, base) !== DONE) Atomics.wait(ctrl, base, TAKEN, 1000);
      Atomics.store(ctrl, base, IDLE);
      const done = ctrl[base + 1] as number;
      if (done < 0) failed = h;
      if (done > 0) nativeTeamStats.joined++;
      nativeTeamStats.helperChunks += Math.max(0, done);
    });
    if (failed >= 0) throw new Error(`native kernel helper ${failed} failed in job ${fn}`);
  }
}

function instantiate(memory: TWasmMemory): TNativeKernels | null {
  let e: TExports;
  let module: TWasmModule;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    module = new wasmApi.Module(Buffer.from(shared ? EPOCH_KERNELS_WASM_SHARED : EPOCH_KERNELS_WASM_PLAIN, 'base64'));
    e = new wasmApi.Instance(module, { env: { memory } }).exports as TExports;
    for (const name of ['conv2d_filter_grad', 'sum_rows', 'max_pool_grad_2x2']) {
      if (typeof e[name] !== 'function') throw new Error(`the native module has no ${name}`);
    }
  } catch (err) {
    failures.push(err instanceof Error ? err.message : String(err));
    return null;
  }
  const fn = (name: string) => e[name] as (...args: number[]) => void;
  const filterGrad = fn('conv2d_filter_grad');
  const sumRows = fn('sum_rows');
  const maxPoolGrad = fn('max_pool_grad_2x2');
  let team: ThreadTeam | null = null;
  const helpers = shared ? Math.max(0, getThreadsCount() - 1) : 0;
  if (helpers > 0) {
    try {
      team = new ThreadTeam(e, module, memory, helpers);
    } catch (err) {
      failures.push(`native kernel helpers: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const f32 = () => new Float32Array(memory.buffer);
  return {
    get threads() { return helpersEnabled && team ? 1 + team.helpers : 1; },
    conv2dFilterGrad(a) {
      const size = a.kh * a.kw * a.ci * a.co;
      f32().fill(0, a.dw / 4, a.dw / 4 + size);
      const shape = [a.xp, a.hp, a.wp, a.ci, a.dy, a.oh, a.ow, a.co, a.kh, a.kw, a.sh, a.sw];
      if (!team || !helpersEnabled || a.n < 2) {
        filterGrad(...shape, a.dw, 0, a.n);
        return;
      }
      // The chunking depends only on the batch and the thread count, and every chunk has its own partial sum, summed
      // in chunk order: the result is the same bits whichever threads ran the chunks (seeded runs repeat exactly).
      const per = Math.max(1, Math.ceil(a.n / (CHUNKS_PER_THREAD * (team.helpers + 1))));
      const chunks = Math.ceil(a.n / per);
      const scratch = a.scratch(chunks * size);
      try {
        f32().fill(0, scratch.offset / 4, scratch.offset / 4 + chunks * size);
        team.run(FN_FILTER_GRAD, [...shape, per, a.n, scratch.offset, 4 * size], chunks);
        sumRows(scratch.offset, chunks, size, a.dw, 0, size);
      } finally {
        scratch.release();
      }
    },
    sumRows(x, rows, c, out) {
      sumRows(x, rows, c, out, 0, c);
    },
    maxPoolGrad2x2(x, dy, dx, ow, c, rows) {
      if (!team || !helpersEnabled || rows < 16) {
        maxPoolGrad(x, dy, dx, ow, c, 0, rows);
        return;
      }
      const per = Math.max(1, Math.ceil(rows / (CHUNKS_PER_THREAD * (team.helpers + 1))));
      team.run(FN_MAX_POOL_GRAD, [x, dy, dx, ow, c, rows, per], Math.ceil(rows / per));
    },
  };
}
