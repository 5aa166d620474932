/**
 * How a grading attempt ended when it did not produce a result. The kind decides what the student sees and whether
 * BullMQ retries: student-caused outcomes are final at once; anything else is an infrastructure failure (retried).
 */

/** The submission's own problem (diverging loss, too large, over the time limit, no longer within the policy). */
export class StudentFailure extends Error {
  constructor(
    readonly status: 'FAILED' | 'REJECTED',
    message: string,
  ) {
    super(message);
    this.name = 'StudentFailure';
  }
}

/** The stored submission cannot be graded and retrying cannot help (e.g. its stored ModelSpec is corrupt). */
export class PermanentInfraFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentInfraFailure';
  }
}

/** The worker is shutting down: the job goes back to the queue for another worker. */
export class HandBack extends Error {
  constructor() {
    super('the grader is shutting down; the job goes back to the queue');
    this.name = 'HandBack';
  }
}

export { notYourFault } from '@epoch/grading';

/** Out-of-memory errors from tfjs backends (wasm, native) and V8: the model was too large for this worker's memory. */
export function isOutOfMemory(e: unknown): boolean {
  const m = e instanceof Error ? `${e.name} ${e.message}` : String(e);
  return /out of memory|\bOOM\b|failed to allocate|Array buffer allocation failed|Invalid typed array length|memory access out of bounds|Cannot allocate/i.test(
    m,
  );
}
