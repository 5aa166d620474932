/**
 * Queue names, in one place. Renaming a queue needs a migration plan: jobs already in Redis under the old
 * name would be orphaned (drain the old queue or run a one-off mover before deploying the rename).
 */
export enum QueueName {
  Grading = 'epoch-grading',
}
