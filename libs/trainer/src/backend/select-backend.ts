import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { nativeModuleCompiles, preferredVariant, setNativeThreads } from '../kernels/native/native-kernels';
import { registerEpochWasmKernels } from '../kernels/register-wasm-kernels';
import { installPthreadWorkerBridge, withDoubledCoreCount } from './wasm-threads';

/** Epoch's names for the engines it can train on, in the order they are tried. */
export const BACKEND_ORDER = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type TBackendName = (typeof BACKEND_ORDER)[number];

export interface TBackendAttempt {
  name: TBackendName;
  ok: boolean;
  reason: string;
}

export interface TBackendInfo {
  name: TBackendName;
  /** The tfjs backend name (`tensorflow` for both native packages). */
  tfBackend: string;
  threads: number;
  versions: Record<string, string>;
  attempts: TBackendAttempt[];
  /** Set when the choice is much slower than it should be (the pure-JS cpu backend). */
  warning: string | null;
}

export interface TSelectBackendOptions {
  /** Force one backend (default: `EPOCH_BACKEND` from env, else the first that works in BACKEND_ORDER). */
  backend?: TBackendName;
  /** wasm threads (default: `EPOCH_WASM_THREADS`, else the number of CPU cores). 1 disables the threaded binary. */
  threads?: number;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
}

export class BackendUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: TBackendAttempt[],
  ) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

const CPU_WARNING = 'WARNING: training on the pure-JavaScript cpu backend: about 500x slower than wasm; use it only for tiny checks';

/** Loads a package whose absence is expected (the native tfjs builds are optional dependencies). */
async function importOptional(name: string): Promise<Record<string, unknown>> {
  return (await import(/* @vite-ignore */ name)) as Record<string, unknown>;
}

/** Runs a tiny computation and checks the answer, so a backend that loads but cannot compute is not chosen. */
function probe(): void {
  const t = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 0, 1, 1], [2, 2])), 1));
  const got = Array.from(t.dataSync());
  t.dispose();
  const want = [4, 3, 8, 5];
  if (got.some((v, i) => v !== want[i])) throw new Error(`probe computed [${got.join(', ')}] instead of [${want.join(', ')}]`);
}

function gpuPresent(): boolean {
  return existsSync('/proc/driver/nvidia/version') || existsSync('/dev/nvidia0');
}

async function tryNative(pkg: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu'): Promise<string> {
  const mod = await importOptional(pkg);
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its 'tensorflow' backend did not initialise`);
  probe();
  const v = mod.version as Record<string, string> | undefined;
  return v?.['tfjs-node'] ?? String(mod.version_node ?? 'unknown');
}

interface WasmResult {
  threads: number;
  version: string;
  note: string;
}

async function tryWasm(threads: number, log: (l: string) => void): Promise<WasmResult> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  registerEpochWasmKernels();
  let note = '';
  if (threads > 1) {
    if (installPthreadWorkerBridge()) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      // With Epoch's native kernels (convolutions, their gradients, pooling, dense products), those split their work
      // over `threads` threads of their own and XNNPACK's pool is kept to one thread: its workers spin for a while
      // after every job and took cores from Epoch's (model3 step 44 -> 40 ms). The threaded binary is still needed for
      // its shared memory.
      const native = nativeModuleCompiles(true);
      setNativeThreads(threads);
      wasm.setThreadsCount(native ? 1 : threads);
      if (await (native ? tf.setBackend('wasm') : withDoubledCoreCount(() => tf.setBackend('wasm')))) {
        probe();
        return native
          ? {
              threads,
              version: wasm.version_wasm,
              note: `threaded-simd; Epoch kernels (${preferredVariant()}) on ${threads} threads, XNNPACK on ${wasm.getThreadsCount()}`,
            }
          : { threads: wasm.getThreadsCount(), version: wasm.version_wasm, note: 'threaded-simd' };
      }
      note = `threaded wasm failed to start; using 1 thread`;
    } else {
      note = 'globalThis.Worker is taken; using 1 thread';
    }
    log(`backend: ${note}`);
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setNativeThreads(1);
  wasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  probe();
  return { threads: wasm.getThreadsCount(), version: wasm.version_wasm, note: note || 'simd' };
}

function parseBackend(v: string | undefined): TBackendName | undefined {
  if (v === undefined || v === '') return undefined;
  const name = (BACKEND_ORDER as readonly string[]).find((b) => b === v);
  if (!name) throw new Error(`EPOCH_BACKEND=${v} is not a backend; use one of ${BACKEND_ORDER.join(', ')}`);
  return name as TBackendName;
}

function parseThreads(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`EPOCH_WASM_THREADS=${v} must be a whole number from 1 to 64`);
  return n;
}

let current: TBackendInfo | null = null;

/**
 * Picks the training backend: each candidate is loaded, initialised and made to compute before it is chosen. A forced
 * backend (option or EPOCH_BACKEND) that fails is an error rather than a silent fallback. Backends initialise once per
 * process, so the latest successful choice is remembered: an unforced call, or one forcing the same backend, gets it back.
 */
export async function selectBackend(opts: TSelectBackendOptions = {}): Promise<TBackendInfo> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const forced = opts.backend ?? parseBackend(env.EPOCH_BACKEND);
  const threads = opts.threads ?? parseThreads(env.EPOCH_WASM_THREADS) ?? Math.max(1, (await import('node:os')).availableParallelism());
  if (current && (forced === undefined || forced === current.name)) {
    await tf.setBackend(current.tfBackend);
    return current;
  }
  const attempts: TBackendAttempt[] = [];
  const versions: Record<string, string> = { 'tfjs-core': tf.version_core, 'tfjs-layers': version_layers, node: process.version };
  for (const name of forced ? [forced] : BACKEND_ORDER) {
    try {
      let info: TBackendInfo;
      switch (name) {
        case 'node-gpu': {
          if (!forced && !gpuPresent()) throw new Error('no NVIDIA driver found');
          versions['tfjs-node-gpu'] = await tryNative('@tensorflow/tfjs-node-gpu');
          info = { name, tfBackend: 'tensorflow', threads: 0, versions, attempts, warning: null };
          break;
        }
        case 'node':
          versions['tfjs-node'] = await tryNative('@tensorflow/tfjs-node');
          info = { name, tfBackend: 'tensorflow', threads: 0, versions, attempts, warning: null };
          break;
        case 'wasm': {
          const r = await tryWasm(threads, log);
          versions['tfjs-backend-wasm'] = `${r.version} (${r.note})`;
          info = { name, tfBackend: 'wasm', threads: r.threads, versions, attempts, warning: null };
          break;
        }
        case 'cpu':
          // our own warning replaces tfjs's "install tfjs-node" banner, which it skips in PROD mode
          tf.env().set('PROD', true);
          if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
          probe();
          info = { name, tfBackend: 'cpu', threads: 1, versions, attempts, warning: CPU_WARNING };
          log(`backend: ${CPU_WARNING}`);
          break;
      }
      attempts.push({ name, ok: true, reason: 'selected' });
      log(
        `backend: ${name} (threads ${info.threads}; ${Object.entries(versions)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`,
      );
      current = info;
      return info;
    } catch (e) {
      const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
      attempts.push({ name, ok: false, reason });
      log(`backend: ${name} unavailable: ${reason}`);
    }
  }
  throw new BackendUnavailableError(
    forced ? `backend ${forced} (forced) is unavailable: ${attempts[0]?.reason}` : 'no TensorFlow.js backend could be started',
    attempts,
  );
}
