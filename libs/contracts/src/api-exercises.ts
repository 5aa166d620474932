import { z } from 'zod';
import { ZGradingPolicy } from './grading-policy';

/** The parts of an exercise's live policy a student is shown (everything but grader-internal switches). */
export const ZStudentPolicyView = z.object({
  minTestAccuracy: z.number(),
  requiredEpochs: z.number().int().nullable(),
  maxEpochs: z.number().int(),
  batchSize: z.number().int(),
  seed: z.number().int(),
  maxParams: z.number().int(),
  allowedLayers: z.array(z.string()).nullable(),
  allowedOptimizers: z.array(z.string()).nullable(),
  timeLimitSeconds: z.number().int(),
  dailyQuota: z.number().int().nullable(),
  totalQuota: z.number().int().nullable(),
  deadline: z.string().nullable(),
  latePolicy: z.enum(['ACCEPT', 'REFUSE']),
  resultVisibility: z.enum(['IMMEDIATE', 'AFTER_DEADLINE']),
  limitTrain: z.number().int().nullable(),
  limitTest: z.number().int().nullable(),
  version: z.number().int(),
});
export type TStudentPolicyView = z.infer<typeof ZStudentPolicyView>;

/** Submissions counted against the quota (rejected, cancelled and infrastructure failures never count). */
export const ZQuotaView = z.object({
  usedToday: z.number().int(),
  dailyLeft: z.number().int().nullable(),
  usedTotal: z.number().int(),
  totalLeft: z.number().int().nullable(),
});
export type TQuotaView = z.infer<typeof ZQuotaView>;

export const ZExerciseView = z.object({
  slug: z.string(),
  title: z.string(),
  position: z.number().int(),
  courseSlug: z.string(),
  instructions: z.string(),
  starterCode: z.string(),
  afterStep: z.string().nullable(),
  policy: ZStudentPolicyView,
  /** Null for staff (quotas apply to students). */
  quota: ZQuotaView.nullable(),
});
export type TExerciseView = z.infer<typeof ZExerciseView>;

/** GET /api/exercises/:slug/policy (staff): the full live policy with its version. */
export const ZPolicyView = z.object({ exerciseSlug: z.string(), version: z.number().int(), policy: ZGradingPolicy, updatedAt: z.string() });
export type TPolicyView = z.infer<typeof ZPolicyView>;

export const ZPolicyUpdateResult = ZPolicyView.extend({
  /** Stored results whose PASSED/FAILED decision changed under the new threshold. */
  redecided: z.object({ passedToFailed: z.number().int(), failedToPassed: z.number().int() }),
});
export type TPolicyUpdateResult = z.infer<typeof ZPolicyUpdateResult>;
