import { z } from 'zod';
import { DEFAULT_MODEL_LIMITS } from './model-limits';
import { ZLayerSpec, ZOptimizerName } from './model-spec';

const layerTypes = ZLayerSpec.options.flatMap((o) => {
  const t = o.shape.type;
  return 'options' in t ? [...t.options] : [t.value];
});

export const ZLayerType = z.enum(layerTypes as [string, ...string[]]);

/**
 * An exercise's grading policy: what the grader enforces and what students are told. Defaults are the values a
 * new exercise gets; the database holds the live, admin-edited copy (versioned, with history). The fields alone
 * (ZGradingPolicyFields) are what other schemas derive from, e.g. the part students see.
 */
export const ZGradingPolicyFields = z.object({
  /** Pass when the test accuracy (0–1) is at least this. */
  minTestAccuracy: z.number().min(0).max(1),
  /** Epochs the submission must train for (null: any up to maxEpochs). */
  requiredEpochs: z.number().int().min(1).max(1000).nullable().default(null),
  maxEpochs: z.number().int().min(1).max(1000).default(200),
  batchSize: z.number().int().min(1).max(4096).default(64),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
  maxParams: z.number().int().min(1).default(20_000_000),
  /**
   * Cost limits, checked before anything is trained: the training work (forward multiply-accumulates per image × 3 ×
   * training images × epochs), the activations of one training batch and the memory of the weights with their
   * gradients and optimizer state. The defaults let the lesson's models through with a wide margin (model3's
   * exercise is 1.84e13 MACs, 15 MiB of activations per batch, 1.4 MiB of weights and Adam state).
   */
  maxTrainingMacs: z.number().positive().max(1e18).default(DEFAULT_MODEL_LIMITS.maxTrainingMacs),
  maxActivationMiB: z
    .number()
    .int()
    .min(1)
    .max(1024 * 1024)
    .default(DEFAULT_MODEL_LIMITS.maxActivationMiB),
  maxParamMiB: z
    .number()
    .int()
    .min(1)
    .max(1024 * 1024)
    .default(DEFAULT_MODEL_LIMITS.maxParamMiB),
  /** Restrictions (null: anything the model-spec library supports). */
  allowedLayers: z.array(ZLayerType).min(1).nullable().default(null),
  allowedOptimizers: z.array(ZOptimizerName).min(1).nullable().default(null),
  timeLimitSeconds: z
    .number()
    .int()
    .min(10)
    .max(7 * 24 * 3600)
    .default(3 * 3600),
  dailyQuota: z.number().int().min(1).nullable().default(10),
  totalQuota: z.number().int().min(1).nullable().default(null),
  /**
   * Whether a submission its owner cancels while it trains gives its quota slot back (it has used a grader's time
   * until then). A submission cancelled while it waits in the queue never counts against the quota.
   */
  refundCancelledQuota: z.boolean().default(true),
  deadline: z.iso.datetime({ offset: true }).nullable().default(null),
  latePolicy: z.enum(['ACCEPT', 'REFUSE']).default('ACCEPT'),
  resultVisibility: z.enum(['IMMEDIATE', 'AFTER_DEADLINE']).default('IMMEDIATE'),
  /** Submissions are accepted from this instant on (null: at once). Part of the schedule (course staff edit it). */
  opensAt: z.iso.datetime({ offset: true }).nullable().default(null),
  /**
   * The late window: after the deadline, a result counts for `credit` (0–1) of full marks until `hours` after it; after
   * the last window the exercise is closed. Null: late work (when accepted) counts in full.
   */
  lateCredit: z
    .array(
      z
        .object({
          hours: z
            .number()
            .positive()
            .max(24 * 366),
          credit: z.number().min(0).max(1),
        })
        .strict(),
    )
    .min(1)
    .max(20)
    .refine((ws) => ws.every((w, i) => i === 0 || w.hours > (ws[i - 1]?.hours ?? 0)), { message: 'the windows must end in increasing order of hours' })
    .nullable()
    .default(null),
  /** Which graded attempt counts in the gradebook: the best one or the last one. */
  countedResult: z.enum(['BEST', 'LAST']).default('BEST'),
  /** Data limits for quick demo courses (null: the full split). */
  limitTrain: z.number().int().min(1).nullable().default(null),
  limitTest: z.number().int().min(1).nullable().default(null),
  /** Reuse an identical earlier submission's result instead of retraining. */
  reuseCachedResults: z.boolean().default(false),
  /**
   * Which seeds train a submission. FIXED: the policy's `seed` for everyone. PER_STUDENT: a seed derived from the
   * exercise, the student and `seed` (studentSeed in @epoch/grading: a stable hash). BEST_OF_K: `seed` first; a result
   * within `bestOfMargin` below the pass mark is trained again with the next seeds, up to `bestOfSeeds` runs in all,
   * and passes if any run passes (the extra runs are shown with the result).
   */
  seedPolicy: z.enum(['FIXED', 'PER_STUDENT', 'BEST_OF_K']).default('FIXED'),
  bestOfSeeds: z.number().int().min(2).max(10).default(3),
  bestOfMargin: z.number().min(0).max(0.2).default(0.02),
  /**
   * A held-out test split: this share of the test images (seeded by `seed`, stratified by class, the same for every
   * submission of the exercise) is private: the verdict is decided on it, and students see its numbers only once the
   * results are visible (after the deadline under AFTER_DEADLINE). The rest is the public part shown with every result.
   * Null: the whole test set decides and is shown.
   */
  heldOutShare: z.number().min(0.1).max(0.9).nullable().default(null),
  /**
   * Practice runs: free, not counted against the quota, graded after every graded run. They train on a seeded subset
   * of this many training images (at most the exercise's own limitTrain) for this many epochs, and show validation
   * metrics only. A student may start practiceDailyLimit of them a day (0: practice is off).
   */
  practiceTrainImages: z.number().int().min(100).max(1_000_000).default(5000),
  practiceEpochs: z.number().int().min(1).max(100).default(3),
  practiceDailyLimit: z.number().int().min(0).max(1000).default(5),
  /** A student's newer queued graded submission replaces their older queued one (cancelled with a message, its quota slot returned). */
  replaceQueued: z.boolean().default(false),
  /** The exercise page shows a congestion banner when the estimated wait for a new submission exceeds this many seconds. */
  congestionWaitSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(1800),
});

/** The policy as admins edit it and the grader enforces it: the fields above, nothing else, and consistent. */
export const ZGradingPolicy = ZGradingPolicyFields.strict().refine((p) => p.requiredEpochs === null || p.requiredEpochs <= p.maxEpochs, {
  message: 'requiredEpochs cannot exceed maxEpochs',
  path: ['requiredEpochs'],
});
export type TGradingPolicy = z.infer<typeof ZGradingPolicy>;
export type TGradingPolicyInput = z.input<typeof ZGradingPolicy>;

/** The schedule's fields of the policy: course staff (instructors, admins) edit these; the rest stays admin-only. */
export const SCHEDULE_FIELDS = ['opensAt', 'deadline', 'latePolicy', 'lateCredit', 'resultVisibility', 'countedResult'] as const;
export const ZScheduleFields = ZGradingPolicyFields.pick({
  opensAt: true,
  deadline: true,
  latePolicy: true,
  lateCredit: true,
  resultVisibility: true,
  countedResult: true,
});
export type TScheduleFields = z.infer<typeof ZScheduleFields>;
