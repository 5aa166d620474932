// @ts-check
/**
 * The protocol between the native kernels' calling thread (native-kernels.ts) and their helper threads
 * (native-helper-worker.mjs): which exports of the module they split, with which arguments, and the control block
 * they share. Plain JavaScript (type-checked through JSDoc) because the helpers load it as it is, in the source tree
 * and beside a bundled app (tools/bundle-app.mjs copies it there); both sides import this one definition.
 *
 * Every job calls one export of epoch-kernels.c as f(...fixed arguments, [the chunk's own output,] begin, end), where
 * [begin, end) is the chunk's part of the job's range (rows, images or elements).
 *
 * Control block (Int32Array on a SharedArrayBuffer): [SEQ] bumped per job (helpers wait on it), [NEXT] next chunk,
 * [CHUNKS] chunk count, [FN] the export (index in JOB_NAMES), [PER] range per chunk, [TOTAL] end of the whole range,
 * [SLOT_BASE]/[SLOT_STRIDE] chunk c's own output at SLOT_BASE + c * SLOT_STRIDE (bytes), [ARGS, HELPER) the fixed
 * arguments; per helper h, HELPER_WORDS words at HELPER + HELPER_WORDS * h: its state, then the chunks it ran.
 */

export const SEQ = 0;
export const NEXT = 1;
export const CHUNKS = 2;
export const FN = 3;
export const PER = 4;
export const TOTAL = 5;
export const SLOT_BASE = 6;
export const SLOT_STRIDE = 7;
export const ARGS = 8;
export const HELPER = 32;
/** Words of the control block that hold a job's fixed arguments. */
export const ARG_SLOTS = HELPER - ARGS;
export const HELPER_WORDS = 4;

/** A helper's state: waiting for a job, a job posted to it, working on it, finished (then back to IDLE). */
export const IDLE = 0;
export const POSTED = 1;
export const TAKEN = 2;
export const DONE = 3;
/** The state of a helper that has not started (or has failed): jobs are not posted to it. */
export const ABSENT = -1;

/**
 * The exports the threads split, in the order of their index in [FN]: their fixed arguments, named as the parameters
 * of epoch-kernels.c (a test compares them), and the parameter that takes each chunk's own output (the filter
 * gradient's partial sums, summed afterwards in chunk order whichever thread ran which chunk, so training stays
 * deterministic), or null.
 */
export const JOBS = /** @type {const} */ ({
  conv2d_filter_grad: { args: ['x', 'H', 'W', 'Ci', 'dy', 'OH', 'OW', 'Co', 'KH', 'KW', 'sh', 'sw', 'pt', 'pl'], slot: 'dw' },
  max_pool_grad_2x2: { args: ['x', 'dy', 'dx', 'OW', 'C'], slot: null },
  conv2d: { args: ['x', 'H', 'W', 'Ci', 'w', 'KH', 'KW', 'Co', 'sh', 'sw', 'pt', 'pl', 'y', 'OH', 'OW', 'zero', 'bias', 'relu'], slot: null },
  relu_grad: { args: ['dy', 'x', 'dx'], slot: null },
  add_bias: { args: ['x', 'b', 'y', 'C'], slot: null },
  relu: { args: ['x', 'y'], slot: null },
  max_pool_2x2: { args: ['x', 'y', 'H', 'W', 'C', 'OH', 'OW'], slot: null },
  pad_images: { args: ['x', 'H', 'W', 'C', 'xp', 'Hp', 'Wp', 'top', 'left'], slot: null },
});

/** @typedef {keyof typeof JOBS} TJobName */
/**
 * A job's fixed arguments by name (heap offsets in bytes, sizes in elements, flags as 0/1).
 * @template {TJobName} N
 * @typedef {Record<(typeof JOBS)[N]['args'][number], number>} TJobArgs
 */
/** @typedef {{ readonly args: readonly string[]; readonly slot: string | null }} TJobDefinition */
/** @typedef {Record<string, (...args: number[]) => unknown>} TExports */

/** The jobs' names, in the order of their index in [FN]. */
export const JOB_NAMES = /** @type {TJobName[]} */ (Object.keys(JOBS));

/**
 * What is wrong with a table of jobs: a job whose fixed arguments do not fit the control block's argument words.
 * @param {Readonly<Record<string, TJobDefinition>>} jobs
 * @returns {string[]}
 */
export function jobTableProblems(jobs) {
  return Object.entries(jobs)
    .filter(([, job]) => job.args.length > ARG_SLOTS)
    .map(([name, job]) => `native job ${name} has ${job.args.length} fixed arguments; the control block holds ${ARG_SLOTS} (words ${ARGS}-${HELPER - 1})`);
}

const problems = jobTableProblems(JOBS);
if (problems.length > 0) throw new Error(problems.join('\n'));

/**
 * The fixed arguments of a job in the export's parameter order.
 * @template {TJobName} N
 * @param {N} name
 * @param {TJobArgs<N>} args
 * @returns {number[]}
 */
export function orderedArgs(name, args) {
  /** @type {readonly string[]} */
  const names = JOBS[name].args;
  const byName = /** @type {Record<string, number | undefined>} */ (args);
  return names.map((k) => {
    const v = byName[k];
    if (typeof v !== 'number') throw new Error(`native job ${name}: argument ${k} is missing`);
    return v;
  });
}

/**
 * Writes a job into the control block (everything but [NEXT], [SEQ] and the helpers' words); returns its chunk count.
 * @template {TJobName} N
 * @param {Int32Array} ctrl
 * @param {{ name: N; args: TJobArgs<N>; per: number; total: number; slot?: { base: number; stride: number } }} job
 *   `slot`: each chunk's own output at base + chunk * stride (bytes), for the jobs that have one.
 * @returns {number}
 */
export function writeJob(ctrl, job) {
  const fixed = orderedArgs(job.name, job.args);
  if ((JOBS[job.name].slot === null) !== (job.slot === undefined)) {
    throw new Error(`native job ${job.name}: ${job.slot ? 'has no' : 'needs a'} per-chunk output`);
  }
  ctrl[FN] = JOB_NAMES.indexOf(job.name);
  fixed.forEach((v, i) => {
    ctrl[ARGS + i] = v;
  });
  ctrl[PER] = job.per;
  ctrl[TOTAL] = job.total;
  ctrl[SLOT_BASE] = job.slot?.base ?? 0;
  ctrl[SLOT_STRIDE] = job.slot?.stride ?? 0;
  const chunks = Math.ceil(job.total / job.per);
  ctrl[CHUNKS] = chunks;
  return chunks;
}

/**
 * The current job of the control block as a function that runs chunk c of it with the module's exports `e`. The
 * calling thread and the helpers run chunks through this. The export is bound to the fixed arguments once per job,
 * so each chunk is a call of the exact arity (a spread call into wasm costs ~20x more).
 * @param {TExports} e
 * @param {Int32Array} ctrl
 * @returns {(c: number) => void}
 */
export function chunkRunner(e, ctrl) {
  const name = JOB_NAMES[/** @type {number} */ (ctrl[FN])];
  if (name === undefined) throw new Error(`native job ${ctrl[FN]} does not exist`);
  const job = JOBS[name];
  const f = /** @type {(...args: number[]) => unknown} */ (e[name]).bind(undefined, ...ctrl.subarray(ARGS, ARGS + job.args.length));
  const per = /** @type {number} */ (ctrl[PER]);
  const total = /** @type {number} */ (ctrl[TOTAL]);
  if (job.slot === null) {
    return (c) => {
      const begin = c * per;
      f(begin, Math.min(total, begin + per));
    };
  }
  const base = /** @type {number} */ (ctrl[SLOT_BASE]) >>> 0;
  const stride = /** @type {number} */ (ctrl[SLOT_STRIDE]);
  return (c) => {
    const begin = c * per;
    f(base + c * stride, begin, Math.min(total, begin + per));
  };
}
