import { z } from 'zod';
import { ZGradingPolicy, ZGradingPolicyFields } from './grading-policy';

/** The parts of an exercise's live policy a student is shown (everything but grader-internal switches), with its version. */
export const ZStudentPolicyView = ZGradingPolicyFields.omit({ reuseCachedResults: true }).extend({ version: z.number().int() });
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
  /**
   * The graders now, for the editor's cost preview: how many are alive and the throughput (multiply-accumulates per
   * second) of the recent graded jobs, the one the queue's ETAs use (null before the first).
   */
  graders: z.object({ alive: z.number().int().min(0), macsPerSecond: z.number().positive().nullable() }),
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

/** A value of a policy field as stored in its history (numbers, texts, lists of names, switches, null). */
export const ZPolicyValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.string()), z.null()]);

/** One version of an exercise's policy: who made it, when, and which fields it changed (old -> new). */
export const ZPolicyChangeView = z.object({
  version: z.number().int(),
  changedAt: z.string(),
  /** Null for the system (the seed's first version) or a user since deleted. */
  changedBy: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  /** Where the version came from: an edit in the web app, or the course files (the seed or a content sync). */
  source: z.enum(['web', 'files']),
  /** `initial`: the first version (every field is listed with old = null); `change`: a later edit. */
  kind: z.enum(['initial', 'change']),
  changes: z.array(z.object({ field: z.string(), old: ZPolicyValue, new: ZPolicyValue })),
});
export type TPolicyChangeView = z.infer<typeof ZPolicyChangeView>;

/** GET /api/exercises/:slug/policy/history (staff): every version, newest first. */
export const ZPolicyHistory = z.object({ exerciseSlug: z.string(), items: z.array(ZPolicyChangeView) });
export type TPolicyHistory = z.infer<typeof ZPolicyHistory>;

/** Where a new run of one class would stand if the caller submitted it now. */
export const ZQueueSpot = z.object({
  /** 1-based: the runs a grader would take before it, plus one. */
  position: z.number().int().min(1),
  /** Seconds until a grader would start it (null before any job of the exercise was timed). */
  waitSeconds: z.number().int().min(0).nullable(),
});
export type TQueueSpot = z.infer<typeof ZQueueSpot>;

/**
 * GET /api/courses/:course/exercises/:slug/queue: before Submit, the current wait and the caller's would-be position
 * for a graded submission and for a practice run (the queue order: graded before practice, round-robin across
 * students), and whether the queue is congested (the graded wait exceeds the policy's congestionWaitSeconds).
 */
export const ZQueueOutlook = z.object({
  graded: ZQueueSpot,
  practice: ZQueueSpot,
  /** Runs waiting in the queue now (all classes) and the graders alive. */
  waiting: z.number().int().min(0),
  graders: z.number().int().min(0),
  congested: z.boolean(),
  congestionWaitSeconds: z.number().int().min(0),
  /** Practice runs the caller has left today (null for staff, who have no limit). */
  practiceLeft: z.number().int().min(0).nullable(),
});
export type TQueueOutlook = z.infer<typeof ZQueueOutlook>;
