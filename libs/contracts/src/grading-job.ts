import { z } from 'zod';

/**
 * The payload of a job on GRADING_QUEUES.general. The job id is the submission id too, so a submission is never queued
 * twice; the grader reads everything else (ModelSpec, policy version) from the database, never from the job.
 */
export const ZGradingJobPayload = z.object({ submissionId: z.string().min(1) }).strict();
export type TGradingJobPayload = z.infer<typeof ZGradingJobPayload>;
