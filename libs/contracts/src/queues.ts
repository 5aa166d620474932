import { z } from 'zod';

/**
 * The grading queues, by kind, in one place: `general` (every grader takes its jobs) and `gpu` (only graders that serve
 * the GPU queue, GPU machines by default: heavy models, routed by @epoch/grading's chooseQueue). The kind is the name
 * used everywhere (configuration, heartbeats, code); the value is the BullMQ queue name in Redis. Renaming a queue needs
 * a migration plan: jobs already in Redis under the old name would be orphaned (drain the old queue or run a one-off
 * mover before deploying the rename).
 */
export const GRADING_QUEUES = { general: 'epoch-grading', gpu: 'epoch-grading-gpu' } as const;
export type TQueueKind = keyof typeof GRADING_QUEUES;
export const QUEUE_KINDS = Object.keys(GRADING_QUEUES) as TQueueKind[];

/**
 * Key (after the queue prefix and a colon) under which each live grader keeps a short-lived heartbeat: its backend,
 * threads and the queues it serves (@epoch/grading writes and reads them).
 */
export const WORKER_HEARTBEAT_PREFIX = 'epoch:worker:';

/**
 * What a run is for (Postgres enum SubmissionKind), in queue order: graded submissions (counted, decided) before
 * practice runs (free, a small subset) before calibration runs (the pass mark's seed spread). @epoch/grading's
 * queue-order.ts turns a run's kind and its student's place into its BullMQ priority.
 */
export const RUN_KINDS = ['GRADED', 'PRACTICE', 'CALIBRATION'] as const;
export const ZRunKind = z.enum(RUN_KINDS);
export type TRunKind = z.infer<typeof ZRunKind>;
