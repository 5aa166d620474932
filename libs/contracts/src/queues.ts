/**
 * Queue names, in one place. Renaming a queue needs a migration plan: jobs already in Redis under the old
 * name would be orphaned (drain the old queue or run a one-off mover before deploying the rename).
 */
export enum QueueName {
  /** Every grader takes jobs from this queue. */
  Grading = 'epoch-grading',
  /** Only graders that serve the GPU queue (GPU machines by default) take these: heavy models, routed by the API. */
  GradingGpu = 'epoch-grading-gpu',
}

/**
 * Key (after the queue prefix and a colon) under which each live grader keeps a short-lived heartbeat: its backend,
 * threads and the queues it serves (@epoch/grading writes and reads them).
 */
export const WORKER_HEARTBEAT_PREFIX = 'epoch:worker:';
