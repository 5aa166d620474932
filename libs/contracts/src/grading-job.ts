import { z } from 'zod';

/** Best-of-k's extra seed: which attempt's result it trains again, and with which seed. */
export const ZExtraSeedJob = z.object({ attempt: z.number().int().min(0), seed: z.number().int().min(0) }).strict();
export type TExtraSeedJob = z.infer<typeof ZExtraSeedJob>;

/**
 * The payload of a job on the grading queues. A submission's own job has jobId = submission id, so a submission is never
 * queued twice; best-of-k's extra seed of a graded result (`extraSeed`) has jobId = extraSeedJobId(), one per attempt and
 * seed. The grader reads everything else (ModelSpec, policy version) from the database, never from the job.
 */
export const ZGradingJobPayload = z.object({ submissionId: z.string().min(1), extraSeed: ZExtraSeedJob.optional() }).strict();
export type TGradingJobPayload = z.infer<typeof ZGradingJobPayload>;

/** The job id of best-of-k's extra seed `seed` for attempt `attempt` of a submission (BullMQ ids may not hold ':'). */
export function extraSeedJobId(submissionId: string, s: TExtraSeedJob): string {
  return `${submissionId}-seed-${s.attempt}-${s.seed}`;
}
