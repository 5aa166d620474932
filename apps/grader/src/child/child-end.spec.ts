import { describe, expect, it } from 'vitest';
import { classifyChildEnd, formatBytes, memoryFigure, type TChildEndFacts } from './child-end';
import type { TChildGraded } from './protocol';

const GiB = 1024 ** 3;

const facts = (f: Partial<TChildEndFacts> = {}): TChildEndFacts => ({
  final: null,
  stopped: null,
  exit: { code: null, signal: 'SIGKILL' },
  stderrTail: '',
  modelStarted: true,
  last: { epoch: 3, epochs: 30, batch: 12, batches: 704 },
  backend: 'wasm',
  limits: { memoryBytes: 4 * GiB, timeLimitSeconds: 240 },
  ...f,
});

const RESULT: TChildGraded = {
  paramCount: 10,
  history: [],
  evaluation: { count: 2, testAccuracy: 0.5, testLoss: 1, perClassAccuracy: [0.5], confusionMatrix: [[1]] },
  artifacts: [],
  trainingMs: 1,
  evaluationMs: 1,
  trainImagesPerSecond: 1,
};

const V8_HEAP_OOM = `
<--- Last few GCs --->
[1234:0x5a]    20314 ms: Mark-Compact 4045.1 (4131.5) -> 4044.9 (4131.2) MB, 1450.12 / 0.00 ms  (average mu = 0.1)
FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
 1: 0xb7a8c0 node::Abort() [node]
`;

describe('how a training child ended', () => {
  it('takes a result or the model’s own rejection as the child said it, even though the supervisor then killed it', () => {
    expect(classifyChildEnd(facts({ final: { type: 'graded', result: RESULT } }))).toEqual({ kind: 'graded', result: RESULT });
    expect(classifyChildEnd(facts({ final: { type: 'rejected', status: 'REJECTED', message: 'The model cannot be built: no.', outOfMemory: false } }))).toEqual(
      { kind: 'student', status: 'REJECTED', cause: 'model', message: 'The model cannot be built: no.' },
    );
  });

  it('names the memory that was exceeded when the model ran out of it: the limit, or wasm’s 4 GiB when that is smaller', () => {
    const oom = { type: 'rejected' as const, status: 'FAILED' as const, message: 'too large', outOfMemory: true };
    const wasm = classifyChildEnd(facts({ final: oom, limits: { memoryBytes: 8 * GiB, timeLimitSeconds: 240 } }));
    expect(wasm).toMatchObject({ kind: 'student', status: 'FAILED', cause: 'memory' });
    expect(wasm.kind === 'student' && wasm.message).toMatch(/^The model needed more than 4 GiB of memory, the grader's limit/);
    const native = classifyChildEnd(facts({ final: oom, backend: 'node', limits: { memoryBytes: 8 * GiB, timeLimitSeconds: 240 } }));
    expect(native.kind === 'student' && native.message).toMatch(/more than 8 GiB of memory/);
  });

  it("charges the student for the time limit, saying where training was stopped and the limit's figure", () => {
    const end = classifyChildEnd(facts({ stopped: { reason: 'time-limit' } }));
    expect(end).toMatchObject({ kind: 'student', status: 'FAILED', cause: 'time-limit' });
    expect(end.kind === 'student' && end.message).toBe(
      "Training was stopped at epoch 3 of 30, batch 12 of 704: it exceeded this exercise's time limit of 240 s. Use a smaller model or fewer epochs.",
    );
    const slow = classifyChildEnd(facts({ stopped: { reason: 'time-limit' }, last: null, limits: { memoryBytes: GiB, timeLimitSeconds: 10 } }));
    expect(slow.kind === 'student' && slow.message).toMatch(/^Training was stopped before its first batch of training ended: it exceeded .* 10 s/);
  });

  it('charges the student for the memory limit the grader enforced (resident memory, V8 heap), with the figure', () => {
    const killed = classifyChildEnd(facts({ stopped: { reason: 'memory', rssBytes: 1.2 * GiB }, limits: { memoryBytes: GiB, timeLimitSeconds: 240 } }));
    expect(killed).toMatchObject({ kind: 'student', status: 'FAILED', cause: 'memory' });
    expect(killed.kind === 'student' && killed.message).toMatch(/more than 1 GiB of memory/);
    const heap = classifyChildEnd(facts({ exit: { code: null, signal: 'SIGABRT' }, stderrTail: V8_HEAP_OOM }));
    expect(heap).toMatchObject({ kind: 'student', status: 'FAILED', cause: 'memory' });
    expect(heap.kind === 'student' && heap.message).toMatch(/more than 4 GiB/);
  });

  it('never charges the student for what happened before their model was involved', () => {
    expect(classifyChildEnd(facts({ modelStarted: false, stopped: { reason: 'memory', rssBytes: 2 * GiB } }))).toMatchObject({ kind: 'infrastructure' });
    expect(classifyChildEnd(facts({ modelStarted: false, stopped: { reason: 'time-limit' } }))).toMatchObject({ kind: 'infrastructure' });
    expect(classifyChildEnd(facts({ modelStarted: false, exit: { code: null, signal: 'SIGABRT' }, stderrTail: V8_HEAP_OOM }))).toMatchObject({
      kind: 'infrastructure',
    });
  });

  it('reports a cancellation, a shutdown and a lost lock as stops, not as anybody’s failure', () => {
    for (const reason of ['cancelled', 'shutdown', 'lock-lost'] as const)
      expect(classifyChildEnd(facts({ stopped: { reason } }))).toEqual({ kind: 'stopped', reason });
  });

  it('treats a crash of the engine as infrastructure (retried, never charged), with what the process said last', () => {
    const segv = classifyChildEnd(facts({ exit: { code: null, signal: 'SIGSEGV' }, stderrTail: 'something\n' }));
    expect(segv).toEqual({ kind: 'infrastructure', message: 'the training process crashed (SIGSEGV): something' });
    const code = classifyChildEnd(
      facts({ exit: { code: 7, signal: null }, stderrTail: 'RuntimeError: memory access out of bounds\n    at wasm://wasm/00a:1\nNode.js v20.20.2\n' }),
    );
    expect(code).toEqual({
      kind: 'infrastructure',
      message: 'the training process exited with code 7 without a result: RuntimeError: memory access out of bounds',
    });
    expect(classifyChildEnd(facts({ exit: { code: null, signal: 'SIGKILL' } }))).toMatchObject({
      kind: 'infrastructure',
      message: expect.stringMatching(/killed \(SIGKILL/),
    });
    expect(classifyChildEnd(facts({ final: { type: 'failed', stage: 'data', message: 'could not load the data: no cache' } }))).toEqual({
      kind: 'infrastructure',
      message: 'could not load the data: no cache',
    });
  });

  it('formats memory figures for people', () => {
    expect([formatBytes(4 * GiB), formatBytes(1.5 * GiB), formatBytes(512 * 1024 ** 2)]).toEqual(['4 GiB', '1.5 GiB', '512 MiB']);
    expect([memoryFigure('wasm', 16 * GiB), memoryFigure('wasm', GiB), memoryFigure('node-gpu', 16 * GiB)]).toEqual([4 * GiB, GiB, 16 * GiB]);
  });
});
