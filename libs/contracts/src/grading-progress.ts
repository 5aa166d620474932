import { z } from 'zod';

/** The BullMQ job name of a grading job on GRADING_QUEUES.general (the payload is ZGradingJobPayload). */
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

/** The range of an estimate of seconds left: the truth is expected between low and high. */
export const ZEtaRange = z.object({ low: z.number().min(0), high: z.number().min(0) });
export type TEtaRange = z.infer<typeof ZEtaRange>;

/** What a grader reports as BullMQ job progress (`job.progress`), for live progress in the API. */
export const ZGradingProgress = z
  .object({
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
    /** Estimated seconds until training ends (null until it can be estimated): TrainingEta's middle. */
    etaSeconds: z.number().min(0).nullable(),
    /** The range of that estimate (TrainingEta): wide early in the run and while the rate changes. */
    etaRange: ZEtaRange.nullable().optional(),
    /** This attempt started over after an earlier one ended without a result (its grader died, lost the job, failed). */
    restarted: z.boolean().optional(),
    /** The grader running the attempt (its heartbeat says whether it is still alive). */
    worker: z.string().min(1).optional(),
  })
  .strict();
export type TGradingProgress = z.infer<typeof ZGradingProgress>;

export interface TQueueEtaInput {
  /** 1 = the next job a grader takes. */
  position: number;
  /** Live graders (at least 1 is assumed). */
  workers: number;
  /** Seconds one grading job takes (e.g. the mean of recent jobs). */
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

/** The lesson's CIFAR-10 split: 45,000 training and 5,000 validation images (every 10th), 10,000 test images. */
export const CIFAR10_SPLIT = { train: 45_000, validation: 5_000, test: 10_000 } as const;

/**
 * The work of grading a model, in multiply-accumulates: every epoch trains on the (limited) training images, about
 * three forward passes' worth each (forward, input and weight gradients), and measures the validation images; then
 * the test images are evaluated once. The grader limits validation and test images by the same `limitTest`. `forwardMacs` is one image's forward pass (model-spec's forwardMacs).
 */
export function gradingWork(o: { forwardMacs: number; epochs: number; limitTrain?: number | null; limitTest?: number | null }): number {
  const train = Math.min(CIFAR10_SPLIT.train, o.limitTrain ?? CIFAR10_SPLIT.train);
  const test = Math.min(CIFAR10_SPLIT.test, o.limitTest ?? CIFAR10_SPLIT.test);
  const validation = Math.min(CIFAR10_SPLIT.validation, o.limitTest ?? CIFAR10_SPLIT.validation);
  return o.forwardMacs * (o.epochs * (3 * train + validation) + test);
}

/**
 * Seconds until a queued job's result from the work of the jobs ahead of it (spread over the workers) and its own,
 * at the throughput (multiply-accumulates per second) recent jobs achieved. Null without a throughput or a work.
 */
export function estimateEtaFromWork(o: {
  workAhead: number;
  ownWork: number;
  workers: number;
  macsPerSecond: number;
  /** Seconds the submissions now training still need (their graders' own estimates), shared by the workers. */
  runningSecondsLeft?: number;
}): number | null {
  if (!(o.macsPerSecond > 0) || !(o.ownWork > 0) || !Number.isFinite(o.workAhead) || o.workAhead < 0) return null;
  const workers = Math.max(1, Math.floor(o.workers) || 1);
  return Math.round((Math.max(0, o.runningSecondsLeft ?? 0) + o.workAhead / o.macsPerSecond) / workers + o.ownWork / o.macsPerSecond);
}

/**
 * The range of a queued submission's ETA: it comes from other models' measured speed, not this one's, so it is
 * honest only to about ±25% (the training ETA, measured on the run itself, narrows once it starts).
 */
export function queueEtaRange(seconds: number): TEtaRange {
  return { low: Math.round(seconds * 0.8), high: Math.round(seconds * 1.25) };
}
