// @ts-check
/**
 * A helper thread of the native kernels, started by native-kernels.ts (`ThreadTeam`): instantiates the same module on
 * the same (shared) memory as the calling thread, then waits for jobs and takes chunks of them until none are left
 * (see thread-protocol.mjs). Plain JavaScript so that it runs as it is from the source tree and beside a bundled app.
 */
import { workerData } from 'node:worker_threads';
import { CHUNKS, DONE, HELPER, HELPER_WORDS, IDLE, NEXT, POSTED, SEQ, TAKEN, chunkRunner } from './thread-protocol.mjs';

/** @typedef {import('./thread-protocol.mjs').TExports} TExports */
/**
 * The little of the WebAssembly JS API used here (the project's TypeScript libs have no typings for it).
 * @typedef {{ Instance: new (module: object, imports: object) => { exports: TExports } }} TWasmApi
 */

const data = /** @type {{ module: object; memory: object; control: SharedArrayBuffer; helper: number }} */ (workerData);
const wasm = /** @type {{ WebAssembly: TWasmApi }} */ (/** @type {unknown} */ (globalThis)).WebAssembly;
const e = new wasm.Instance(data.module, { env: { memory: data.memory } }).exports;
const ctrl = new Int32Array(data.control);
const base = HELPER + HELPER_WORDS * data.helper;

let seen = Atomics.load(ctrl, SEQ);
Atomics.store(ctrl, base, IDLE);
for (;;) {
  if (Atomics.wait(ctrl, SEQ, seen, 10000) === 'timed-out') continue;
  seen = Atomics.load(ctrl, SEQ);
  if (Atomics.compareExchange(ctrl, base, POSTED, TAKEN) !== POSTED) continue;
  let done = 0;
  try {
    const run = chunkRunner(e, ctrl);
    for (let c = Atomics.add(ctrl, NEXT, 1); c < /** @type {number} */ (ctrl[CHUNKS]); c = Atomics.add(ctrl, NEXT, 1)) {
      run(c);
      done++;
    }
  } catch {
    done = -1; // the calling thread reports it: it cannot hear this thread's 'error' event while it waits
  }
  ctrl[base + 1] = done;
  Atomics.store(ctrl, base, DONE);
  Atomics.notify(ctrl, base);
}
