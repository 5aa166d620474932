/**
 * Queue names, in one place. Renaming a queue needs a migration plan: jobs already in Redis under the old
 * name would be orphaned (drain the old queue or run a one-off mover before deploying the rename).
 */
export enum QueueName {
  Grading = 'epoch-grading',
}

/** Redis key prefix under which each live grader worker keeps a short-lived heartbeat (backend, threads). */
export const WORKER_HEARTBEAT_PREFIX = 'epoch:worker:';
