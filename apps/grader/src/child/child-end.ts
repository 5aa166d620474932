import type { TBackendName } from '@epoch/trainer';
import type { TChildGraded, TFinalChildMessage } from './protocol';

/** Why the supervisor ended a training child before it had its say. */
export type TStopReason = 'cancelled' | 'shutdown' | 'lock-lost' | 'time-limit' | 'memory';

/** Everything the supervisor knows when a training child has ended. */
export interface TChildEndFacts {
  /** The child's last word, if it got to say it. */
  final: TFinalChildMessage | null;
  /** Set when the supervisor killed the child, and why (with the resident memory it had reached for `memory`). */
  stopped: { reason: TStopReason; rssBytes?: number } | null;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  /** The end of the child's stderr (V8 prints its fatal errors there). */
  stderrTail: string;
  /** Whether the child had started on the student's model (phase `building`): before that, nothing is the student's. */
  modelStarted: boolean;
  /** The last progress the child reported. */
  last: { epoch: number; epochs: number; batch: number; batches: number } | null;
  backend: TBackendName;
  limits: { memoryBytes: number; timeLimitSeconds: number };
}

export type TChildEnd =
  | { kind: 'graded'; result: TChildGraded }
  /** The model's own doing: ends the submission FAILED/REJECTED, never retried. */
  | { kind: 'student'; status: 'FAILED' | 'REJECTED'; message: string; cause: 'model' | 'memory' | 'time-limit' }
  /** Stopped from outside (cancelled, shutting down, the job's lock lost): the caller knows what to do. */
  | { kind: 'stopped'; reason: 'cancelled' | 'shutdown' | 'lock-lost' }
  /** The engine failed: retried as an infrastructure failure, never charged. */
  | { kind: 'infrastructure'; message: string };

/** The wasm backend's memory is a 32-bit WebAssembly memory: at most 4 GiB, whatever the limit says. */
export const WASM_MEMORY_BYTES = 4 * 1024 ** 3;

/** 4 GiB, 512 MiB, 1.5 GiB. */
export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  if (gib >= 1) return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** The memory a model could use before it failed: the grader's limit, and for wasm at most its 4 GiB memory. */
export function memoryFigure(backend: TBackendName, limitBytes: number): number {
  return backend === 'wasm' ? Math.min(limitBytes, WASM_MEMORY_BYTES) : limitBytes;
}

export function memoryMessage(bytes: number): string {
  return (
    `The model needed more than ${formatBytes(bytes)} of memory, the grader's limit for training one model. ` +
    'Use fewer or smaller layers, or keep the images small (less padding, more pooling) before the large layers.'
  );
}

export function timeLimitMessage(seconds: number, last: TChildEndFacts['last']): string {
  const where =
    last && last.batch > 0 ? `at epoch ${last.epoch} of ${last.epochs}, batch ${last.batch} of ${last.batches}` : 'before its first batch of training ended';
  return `Training was stopped ${where}: it exceeded this exercise's time limit of ${seconds} s. Use a smaller model or fewer epochs.`;
}

/** V8's and the C++ runtime's own words for a process out of memory (printed to stderr as the process dies). */
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit|Fatal process out of memory|Fatal process OOM|std::bad_alloc|Cannot allocate memory/i;

function describeExit(f: TChildEndFacts): string {
  const { code, signal } = f.exit;
  const how =
    signal === 'SIGKILL'
      ? 'the training process was killed (SIGKILL; was the machine out of memory?)'
      : signal
        ? `the training process crashed (${signal})`
        : `the training process exited with code ${code ?? 'unknown'} without a result`;
  const lines = f.stderrTail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^at |^Node\.js v|^\^+$/.test(l));
  const lastError = [...lines].reverse().find((l) => /error|fatal|abort/i.test(l)) ?? lines.at(-1);
  return lastError ? `${how}: ${lastError.slice(0, 300)}` : how;
}

/**
 * How a training child ended, in the grader's terms. A result or the model's own rejection is taken as the child said
 * it. A kill by the supervisor says why: over the time limit or the memory limit is the student's (with the figure that
 * was exceeded), a cancellation, a shutdown or a lost lock is nobody's. A child that died on its own is the engine's
 * failure, unless it died of memory while training the student's model (V8's heap limit, the address-space limit).
 */
export function classifyChildEnd(f: TChildEndFacts): TChildEnd {
  const { final, stopped } = f;
  if (final?.type === 'graded') return { kind: 'graded', result: final.result };
  if (final?.type === 'rejected') {
    if (final.outOfMemory)
      return { kind: 'student', status: final.status, cause: 'memory', message: memoryMessage(memoryFigure(f.backend, f.limits.memoryBytes)) };
    return { kind: 'student', status: final.status, cause: 'model', message: final.message };
  }
  if (stopped) {
    if ((stopped.reason === 'time-limit' || stopped.reason === 'memory') && !f.modelStarted) {
      const what = stopped.reason === 'memory' ? `the memory limit (${formatBytes(f.limits.memoryBytes)})` : 'the time limit';
      return { kind: 'infrastructure', message: `the training process reached ${what} before it started on the model` };
    }
    switch (stopped.reason) {
      case 'cancelled':
      case 'shutdown':
      case 'lock-lost':
        return { kind: 'stopped', reason: stopped.reason };
      case 'time-limit':
        return { kind: 'student', status: 'FAILED', cause: 'time-limit', message: timeLimitMessage(f.limits.timeLimitSeconds, f.last) };
      case 'memory':
        return { kind: 'student', status: 'FAILED', cause: 'memory', message: memoryMessage(f.limits.memoryBytes) };
    }
  }
  if (final?.type === 'failed') return { kind: 'infrastructure', message: final.message };
  if (f.modelStarted && OUT_OF_MEMORY.test(f.stderrTail)) {
    return { kind: 'student', status: 'FAILED', cause: 'memory', message: memoryMessage(f.limits.memoryBytes) };
  }
  return { kind: 'infrastructure', message: describeExit(f) };
}
