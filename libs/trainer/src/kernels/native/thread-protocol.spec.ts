import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nativeModuleBytes, relaxedSimdSupported } from './native-kernels';
import {
  ARG_SLOTS,
  ARGS,
  CHUNKS,
  FN,
  HELPER,
  JOB_NAMES,
  JOBS,
  PER,
  SEQ,
  SLOT_BASE,
  SLOT_STRIDE,
  TOTAL,
  NEXT,
  chunkRunner,
  jobTableProblems,
  orderedArgs,
  writeJob,
} from './thread-protocol.mjs';

const C_SOURCE = readFileSync(new URL('../../../native/epoch-kernels.c', import.meta.url), 'utf8');

/** Parameter names of an exported function of epoch-kernels.c. */
function cParameters(name: string): string[] {
  const m = new RegExp(`EXPORT\\(${name}\\)\\s*void ${name}\\(([^)]*)\\)`).exec(C_SOURCE);
  if (!m) throw new Error(`epoch-kernels.c exports no ${name}`);
  return (m[1] as string).split(',').map((p) => (/(\w+)\s*$/.exec(p.trim()) as RegExpExecArray)[1] as string);
}

interface TWasm {
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, { length: number }> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => object;
}
const wasm = (globalThis as unknown as { WebAssembly: TWasm }).WebAssembly;

describe("the native kernels' thread protocol", () => {
  it("fits every job's fixed arguments into the control block's argument words", () => {
    expect([SEQ, NEXT, CHUNKS, FN, PER, TOTAL, SLOT_BASE, SLOT_STRIDE].every((w) => w < ARGS)).toBe(true);
    expect(ARGS + ARG_SLOTS).toBe(HELPER);
    expect(jobTableProblems(JOBS)).toEqual([]);
  });

  it('reports a job whose fixed arguments would overflow into the helpers’ words', () => {
    const args = Array.from({ length: ARG_SLOTS + 1 }, (_, i) => `a${i}`);
    expect(jobTableProblems({ ...JOBS, too_wide: { args, slot: null } })).toEqual([
      `native job too_wide has ${ARG_SLOTS + 1} fixed arguments; the control block holds ${ARG_SLOTS} (words ${ARGS}-${HELPER - 1})`,
    ]);
  });

  it.each(JOB_NAMES)('names the parameters of %s as epoch-kernels.c does: fixed arguments, [per-chunk output,] range', (name) => {
    const job = JOBS[name];
    const params = cParameters(name);
    expect(params.slice(0, -2)).toEqual([...job.args, ...(job.slot === null ? [] : [job.slot])]);
    expect(params.slice(-2).map((p) => p.replace(/^\w+_/, ''))).toEqual(['begin', 'end']);
  });

  it.each([
    [false, 'simd'],
    [true, 'simd'],
    [false, 'relaxed-simd'],
    [true, 'relaxed-simd'],
  ] as const)('matches the parameter counts of the committed module (shared memory: %s, %s)', (shared, variant) => {
    expect(relaxedSimdSupported()).toBe(true); // turns Node 20's flag on
    const memory = new wasm.Memory({ initial: 4, maximum: 4, shared });
    const e = new wasm.Instance(new wasm.Module(nativeModuleBytes(shared, variant)), { env: { memory } }).exports;
    for (const name of JOB_NAMES) {
      const job = JOBS[name];
      expect(e[name]?.length, name).toBe(job.args.length + (job.slot === null ? 0 : 1) + 2);
    }
  });

  it('calls each chunk with the fixed arguments in order, its own output and its range (the last chunk cut at the end)', () => {
    const ctrl = new Int32Array(HELPER);
    const calls: number[][] = [];
    const record = (...a: number[]) => calls.push(a);
    const chunks = writeJob(ctrl, {
      name: 'conv2d_filter_grad',
      args: { x: 1, H: 2, W: 3, Ci: 4, dy: 5, OH: 6, OW: 7, Co: 8, KH: 9, KW: 10, sh: 11, sw: 12, pt: 13, pl: 14 },
      per: 4,
      total: 10,
      slot: { base: 0x9000_0000, stride: 64 },
    });
    expect(chunks).toBe(3);
    const run = chunkRunner({ conv2d_filter_grad: record }, ctrl);
    for (let c = 0; c < chunks; c++) run(c);
    const fixed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
    // a heap offset past 2 GiB travels as a negative int32 and comes back unsigned
    expect(calls).toEqual([
      [...fixed, 0x9000_0000, 0, 4],
      [...fixed, 0x9000_0040, 4, 8],
      [...fixed, 0x9000_0080, 8, 10],
    ]);

    calls.length = 0;
    writeJob(ctrl, { name: 'add_bias', args: { C: 4, x: 1, y: 3, b: 2 }, per: 5, total: 5 });
    chunkRunner({ add_bias: record }, ctrl)(0);
    expect(calls).toEqual([[1, 2, 3, 4, 0, 5]]);
  });

  it('refuses a job with a missing argument or a per-chunk output it does not take', () => {
    // @ts-expect-error the type of a job's arguments names every one of them
    expect(() => orderedArgs('relu', { x: 1 })).toThrow('native job relu: argument y is missing');
    const ctrl = new Int32Array(HELPER);
    expect(() => writeJob(ctrl, { name: 'relu', args: { x: 1, y: 2 }, per: 1, total: 1, slot: { base: 0, stride: 0 } })).toThrow(
      'native job relu: has no per-chunk output',
    );
    expect(() => writeJob(ctrl, { name: 'conv2d_filter_grad', args: orderedArgsFor('conv2d_filter_grad'), per: 1, total: 1 })).toThrow(
      'native job conv2d_filter_grad: needs a per-chunk output',
    );
  });
});

/** Arguments 1, 2, ... for every fixed argument of a job. */
function orderedArgsFor<N extends keyof typeof JOBS>(name: N) {
  return Object.fromEntries(JOBS[name].args.map((k, i) => [k, i + 1])) as Parameters<typeof orderedArgs<N>>[1];
}
