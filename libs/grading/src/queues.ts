import { Queue, type ConnectionOptions, type Job, type JobType } from 'bullmq';
import {
  extraSeedJobId,
  GRADE_JOB_NAME,
  GRADING_JOB_OPTIONS,
  GRADING_QUEUES,
  QUEUE_KINDS,
  type TExtraSeedJob,
  type TGradingJobPayload,
  type TQueueKind,
} from '@epoch/contracts';

export type { TQueueKind };
export { QUEUE_KINDS };

export type GradingQueue = Queue<TGradingJobPayload>;
export type TGradingQueues = Record<TQueueKind, GradingQueue>;

/** Both grading queues on one connection (a Redis client or options) and key prefix. */
export function openGradingQueues(connection: ConnectionOptions, prefix: string): TGradingQueues {
  return {
    general: new Queue<TGradingJobPayload>(GRADING_QUEUES.general, { connection, prefix }),
    gpu: new Queue<TGradingJobPayload>(GRADING_QUEUES.gpu, { connection, prefix }),
  };
}

export async function closeGradingQueues(q: TGradingQueues): Promise<void> {
  await Promise.all(QUEUE_KINDS.map((k) => q[k].close()));
}

/**
 * Adds a submission's job (jobId = submission id, so adding it twice makes one job) at a priority that queue-order.ts
 * chose (placeRuns is the one caller that decides it).
 */
export async function enqueueGrading(q: TGradingQueues, submissionId: string, kind: TQueueKind, priority: number): Promise<void> {
  await q[kind].add(GRADE_JOB_NAME, { submissionId }, { ...GRADING_JOB_OPTIONS, jobId: submissionId, priority });
}

/**
 * Adds best-of-k's extra seed of a graded attempt (jobId = extraSeedJobId, so adding it twice makes one job) at
 * EXTRA_SEED_PRIORITY (queue-order.ts).
 */
export async function enqueueExtraSeedJob(q: TGradingQueues, submissionId: string, extra: TExtraSeedJob, kind: TQueueKind, priority: number): Promise<void> {
  await q[kind].add(GRADE_JOB_NAME, { submissionId, extraSeed: extra }, { ...GRADING_JOB_OPTIONS, jobId: extraSeedJobId(submissionId, extra), priority });
}

/** A submission's job in whichever queue holds it. */
export async function findGradingJob(q: TGradingQueues, submissionId: string): Promise<{ job: Job<TGradingJobPayload>; kind: TQueueKind } | null> {
  for (const kind of QUEUE_KINDS) {
    const job = await q[kind].getJob(submissionId);
    if (job) return { job, kind };
  }
  return null;
}

/** Removes a submission's job from both queues (a job that is running is left to its grader). */
export async function removeGradingJob(q: TGradingQueues, submissionId: string): Promise<void> {
  await Promise.all(QUEUE_KINDS.map((k) => q[k].remove(submissionId)));
}

/** Job counts per state, summed over both queues. */
export async function gradingJobCounts(q: TGradingQueues, ...states: JobType[]): Promise<Record<string, number>> {
  const counts = await Promise.all(QUEUE_KINDS.map((k) => q[k].getJobCounts(...states)));
  const sum: Record<string, number> = {};
  for (const c of counts) for (const [state, n] of Object.entries(c)) sum[state] = (sum[state] ?? 0) + n;
  return sum;
}
