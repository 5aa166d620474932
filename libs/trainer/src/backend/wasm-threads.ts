import { resolveObjectURL } from 'node:buffer';
import os from 'node:os';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';

/**
 * Runs tfjs-wasm's threaded-SIMD binary under Node without editing the package. tfjs 4.22 turns threads off under
 * Node (tfjs#3830) because its emscripten glue assumes a browser in three places; each is bridged here at runtime:
 *
 * 1. The pthread worker script is handed to `new Worker()` as a blob: URL, which worker_threads cannot load. The glue
 *    assigns `globalThis.Worker` right before using it, so a global accessor substitutes a Worker class that resolves
 *    the blob (node:buffer `resolveObjectURL`) and starts an eval worker which reads the script from workerData.
 * 2. Each worker then receives the main emscripten factory as a Blob in its "load" message and `importScripts()` it,
 *    which under Node reads a file. The bootstrap holds messages in order while it reads the Blob's text, and serves
 *    it to importScripts with the rollup aliases (require$$N, commonjsGlobal) the factory's source refers to.
 * 3. The `WASM_HAS_MULTITHREAD_SUPPORT` flag is hard-wired false under Node; `env().set()` overrides it (caller).
 * 4. The C++ side caps XNNPACK's pool at half the logical cores (1 on a 2-core machine). Where Epoch's native kernels
 *    run, XNNPACK keeps one thread on purpose (they have their own; see select-backend.ts); without them, `os.cpus()`
 *    is doubled only while the backend initialises (see `withDoubledCoreCount`).
 * The workers never keep the process alive (see PthreadWorker.ref).
 * Any failure is caught by the caller, which falls back to the single-threaded SIMD binary.
 */
const BOOTSTRAP = `
const { workerData, parentPort } = require('worker_threads');
const inline = new Map();
let pending = Promise.resolve();
const on = parentPort.on.bind(parentPort);
parentPort.on = function (event, handler) {
  if (event !== 'message') return on(event, handler);
  return on('message', (data) => {
    pending = pending.then(async () => {
      if (data && data.cmd === 'load' && data.urlOrBlob && typeof data.urlOrBlob !== 'string') {
        const key = 'epoch-inline-factory:' + inline.size;
        inline.set(key, "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), " +
          "require$$4 = require('os'); var commonjsGlobal = globalThis;\\n" + await data.urlOrBlob.text());
        data = Object.assign({}, data, { urlOrBlob: key });
      }
      handler(data);
    }).catch((e) => process.nextTick(() => { throw e; }));
  });
  return parentPort;
};
workerData.script.text().then((source) => {
  new Function('require', '__filename', source)(require, 'epoch-wasm-pthread-worker.js');
  const importScripts = globalThis.importScripts;
  globalThis.importScripts = (f) => (inline.has(f) ? (0, eval)(inline.get(f)) : importScripts(f));
}, (e) => process.nextTick(() => { throw e; }));
`;

class PthreadWorker extends NodeWorker {
  constructor(file: string | URL, options?: WorkerOptions) {
    const blob = typeof file === 'string' && file.startsWith('blob:') ? resolveObjectURL(file) : undefined;
    if (blob) super(BOOTSTRAP, { eval: true, workerData: { script: blob } });
    else super(file, options);
    this.unref();
  }

  // XNNPACK's pool threads live as long as the process and emscripten ref()s them while they run, which would keep
  // Node alive forever after the work is done. The main thread blocks in wasm while they compute, so none is needed.
  override ref(): void {
    /* stay unref'd */
  }
}

let installed = false;

/** Installs the Worker bridge (idempotent). Returns false if `globalThis.Worker` is already something else. */
export function installPthreadWorkerBridge(): boolean {
  if (installed) return true;
  const existing = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  if (existing && !existing.configurable) return false;
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    // The emscripten glue assigns worker_threads.Worker here before each use; keep the bridge instead.
    set: () => undefined,
  });
  installed = true;
  return true;
}

/** Runs `fn` while `os.cpus()` reports twice the cores (see 4. above), restoring it afterwards. */
export async function withDoubledCoreCount<T>(fn: () => Promise<T>): Promise<T> {
  const cpus = os.cpus;
  os.cpus = () => {
    const c = cpus();
    return [...c, ...c];
  };
  try {
    return await fn();
  } finally {
    os.cpus = cpus;
  }
}
