import { z } from 'zod';

/** The BullMQ job name of a grading job on QueueName.Grading (the payload is ZGradingJobPayload). */
export const GRADE_JOB_NAME = 'grade';

/**
 * Options every producer of grading jobs uses (the API, the grader's reconciler): infrastructure failures are retried
 * with exponential backoff, 3 attempts in all; the job id must be the submission id (added by the caller).
 */
export const GRADING_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** What a grader reports as BullMQ job progress (`job.progress`), for live progress in the API. */
export const ZGradingProgress = z.object({
  phase: z.enum(['loading', 'training', 'evaluating', 'storing']),
  /** 1 for the first run of the submission, 2 after a retry or a stalled run, ... */
  attempt: z.number().int().min(1),
  epoch: z.number().int().min(0),
  epochs: z.number().int().min(1),
  batch: z.number().int().min(0),
  batches: z.number().int().min(0),
  /** Running training loss and accuracy of the current epoch (null before the first batch). */
  loss: z.number().nullable(),
  accuracy: z.number().nullable(),
  imagesPerSecond: z.number().min(0).nullable(),
  /** Estimated seconds until training ends (null until it can be estimated). */
  etaSeconds: z.number().min(0).nullable(),
}).strict();
export type TGradingProgress = z.infer<typeof ZGradingProgress>;

export interface TQueueEtaInput {
  /** 1 = the next job a grader takes. */
  position: number;
  /** Live graders (at least 1 is assumed). */
  workers: number;
  /** Seconds one grading job takes (e.g. the mean of recent jobs, or estimateTrainingSeconds). */
  secondsPerJob: number;
  /** Seconds the running jobs still need (0 when unknown). */
  runningSecondsLeft?: number;
}

/**
 * Seconds until a queued job's result: the jobs ahead of it are spread over the workers, each taking secondsPerJob,
 * and its own run follows. Null when the cost of a job is unknown.
 */
export function estimateQueueEtaSeconds(input: TQueueEtaInput): number | null {
  const { position, secondsPerJob } = input;
  if (!Number.isFinite(secondsPerJob) || secondsPerJob <= 0 || !Number.isInteger(position) || position < 1) return null;
  const workers = Math.max(1, Math.floor(input.workers) || 1);
  const rounds = Math.floor((position - 1) / workers);
  return Math.round(Math.max(0, input.runningSecondsLeft ?? 0) + (rounds + 1) * secondsPerJob);
}

/**
 * Seconds a model's training will take from its cost: images × epochs at the throughput recently measured for a model
 * of `referenceParams` parameters, scaled by the parameter ratio (training cost grows about linearly with the
 * parameter count for the dense and small convolutional models of the course). Null without a throughput.
 */
export function estimateTrainingSeconds(opts: { params: number; images: number; epochs: number; imagesPerSecond: number; referenceParams: number }): number | null {
  const { params, images, epochs, imagesPerSecond, referenceParams } = opts;
  if (!(imagesPerSecond > 0) || !(referenceParams > 0) || !(params > 0) || images < 0 || epochs < 0) return null;
  return (images * epochs) / (imagesPerSecond * (referenceParams / params));
}
