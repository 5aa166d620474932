/**
 * How a grading attempt ended when it produced no result, besides the model's own problems (GradingRejection, from
 * @epoch/trainer's pipeline). Anything not listed here is an infrastructure failure, retried by the queue.
 */

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

/**
 * The queue reported the job's lock lost (it expired while Redis was away, or the job was taken over): another grader
 * may own the job now, so this attempt stops and writes nothing more; the lifecycle's guards refuse stale writes anyway.
 */
export class LockLost extends Error {
  constructor() {
    super("the job's lock was lost; another grader takes the job over");
    this.name = 'LockLost';
  }
}
