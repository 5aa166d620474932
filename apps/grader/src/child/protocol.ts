import { z } from 'zod';
import { ZModelSpec } from '@epoch/contracts';
import { BACKEND_ORDER } from '@epoch/trainer';

/**
 * The messages between the grader (the supervisor) and a training child (child/train-child.ts), over the fork's IPC
 * channel with Node's `advanced` serialization (typed arrays travel as they are). Each side validates what it
 * receives with these schemas: a message that does not match is a fault of the engine, never the student's.
 */

/** Where the child reads the dataset: the prepared cache (the supervisor made sure it is valid). */
export const ZDataSource = z.object({ source: z.string().optional(), cacheDir: z.string().optional() }).strict();
export type TDataSource = z.infer<typeof ZDataSource>;

/** What a child needs to start: the backend to use (the supervisor's choice; none = the first that works) and the data. */
export const ZChildInit = z
  .object({
    type: z.literal('init'),
    backend: z.enum(BACKEND_ORDER).optional(),
    threads: z.number().int().min(1).optional(),
    /** Load the data before reporting ready (null: the cache is not prepared yet; the job brings it). */
    data: ZDataSource.nullable(),
  })
  .strict();

/** The one job a child ever runs: grade this model with these settings. */
export const ZChildGrade = z
  .object({
    type: z.literal('grade'),
    spec: ZModelSpec,
    settings: z
      .object({
        epochs: z.number().int().min(1),
        batchSize: z.number().int().min(1),
        seed: z.number().int(),
        maxParams: z.number().int().min(1),
        limitTrain: z.number().int().min(1).optional(),
        limitTest: z.number().int().min(1).optional(),
        /** A held-out test split (the policy's share, seeded by the policy's seed). */
        heldOut: z
          .object({ share: z.number().gt(0).lt(1), seed: z.number().int() })
          .strict()
          .optional(),
      })
      .strict(),
    data: ZDataSource,
    everyNBatches: z.number().int().min(1),
  })
  .strict();
export type TChildGrade = z.infer<typeof ZChildGrade>;

export const ZParentMessage = z.discriminatedUnion('type', [ZChildInit, ZChildGrade]);
export type TParentMessage = z.infer<typeof ZParentMessage>;

/** A number that may be NaN or infinite (a diverging loss is reported before the trainer stops on it). */
const num = z.custom<number>((v) => typeof v === 'number', 'must be a number');

export const ZBackendInfo = z.object({
  name: z.enum(BACKEND_ORDER),
  tfBackend: z.string(),
  threads: z.number().int().min(0),
  versions: z.record(z.string(), z.string()),
  attempts: z.array(z.object({ name: z.enum(BACKEND_ORDER), ok: z.boolean(), reason: z.string() })),
  warning: z.string().nullable(),
});

export const ZBatchProgress = z.object({
  epoch: z.number().int(),
  epochs: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  loss: num,
  accuracy: num,
  imagesPerSecond: num,
});

export const ZEpochStats = z.object({
  epoch: z.number().int(),
  loss: num,
  accuracy: num,
  valLoss: num.nullable(),
  valAccuracy: num.nullable(),
  seconds: z.number(),
  etaSeconds: num,
});

const ZArtifact = z.object({
  kind: z.enum(['ACCURACY_PLOT', 'LOSS_PLOT', 'PREDICTIONS_GRID', 'FEATURE_MAPS', 'CONFUSION_MATRIX', 'MISTAKES_GRID', 'WEIGHTS', 'DATA_JSON']),
  name: z.string().min(1),
  contentType: z.string().min(1),
  bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes must be a Uint8Array'),
});

const ZEvaluationPart = z.object({
  count: z.number().int(),
  testAccuracy: z.number(),
  testLoss: num,
  perClassAccuracy: z.array(z.number().nullable()),
  confusionMatrix: z.array(z.array(z.number())),
});

/** What the grader stores of a graded model (the pipeline's TGradedModel without what only `./epoch grade` shows). */
export const ZChildGraded = z.object({
  paramCount: z.number().int(),
  history: z.array(ZEpochStats),
  /** The whole test set's numbers, or the public part's under a held-out split (`heldOut`: the private part's). */
  evaluation: ZEvaluationPart.extend({ heldOut: ZEvaluationPart.optional() }),
  artifacts: z.array(ZArtifact),
  trainingMs: z.number(),
  evaluationMs: z.number(),
  trainImagesPerSecond: num,
});
export type TChildGraded = z.infer<typeof ZChildGraded>;

/** The phases of the pipeline; `building` is the first moment the student's model is involved. */
export const ZChildPhase = z.enum(['building', 'training', 'evaluating', 'plotting']);

export const ZChildMessage = z.discriminatedUnion('type', [
  /** Backend started (and data loaded when the init asked for it): the child waits for its job. */
  z.object({ type: z.literal('ready'), backend: ZBackendInfo, dataLoaded: z.boolean() }),
  z.object({ type: z.literal('phase'), phase: ZChildPhase }),
  z.object({ type: z.literal('batch'), progress: ZBatchProgress }),
  z.object({ type: z.literal('epoch'), stats: ZEpochStats }),
  /** The model was graded: the child's last word. */
  z.object({ type: z.literal('graded'), result: ZChildGraded }),
  /** The model's own problem (the pipeline's GradingRejection): the child's last word. */
  z.object({ type: z.literal('rejected'), status: z.enum(['FAILED', 'REJECTED']), message: z.string(), outOfMemory: z.boolean() }),
  /** The engine failed (backend, data, an unexpected error): the child's last word; never the student's fault. */
  z.object({ type: z.literal('failed'), stage: z.enum(['init', 'data', 'grade']), message: z.string() }),
]);
export type TChildMessage = z.infer<typeof ZChildMessage>;
export type TFinalChildMessage = Extract<TChildMessage, { type: 'graded' | 'rejected' | 'failed' }>;
