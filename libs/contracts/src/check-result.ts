import { z } from 'zod';

/** A diagnostic as `./epoch check --json` prints it (1-based line and column). */
export const ZCheckMessage = z.object({
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  message: z.string().min(1),
});
export type TCheckMessage = z.infer<typeof ZCheckMessage>;

export const ZCheckLayerSummary = z.object({
  /** Keras class name, e.g. Conv2D. */
  type: z.string().min(1),
  /** Output shape WITHOUT the batch dimension (Keras prints `(None, 32, 32, 32)`; this is `[32, 32, 32]`). */
  outputShape: z.array(z.number().int().min(1)),
  params: z.number().int().min(0),
});
export type TCheckLayerSummary = z.infer<typeof ZCheckLayerSummary>;

export const ZCheckModelSummary = z.object({
  layers: z.array(ZCheckLayerSummary),
  totalParams: z.number().int().min(0),
  trainableParams: z.number().int().min(0),
});
export type TCheckModelSummary = z.infer<typeof ZCheckModelSummary>;

export const ZCheckTraining = z.object({
  epochs: z.number().int().min(1),
  batchSize: z.number().int().min(1),
  /** Keras's lower-case optimizer name, e.g. adam. */
  optimizer: z.string().min(1),
  learningRate: z.number().positive(),
  /** Keras loss name, e.g. categorical_crossentropy. */
  loss: z.string().min(1),
});
export type TCheckTraining = z.infer<typeof ZCheckTraining>;

/**
 * What training the model costs, as the cost limits measure it: forward multiply-accumulates per image, the training
 * work (× 3 × training images × epochs), the activations of one training batch and the memory of the weights with their
 * gradients and optimizer state (float32).
 */
export const ZCheckCost = z.object({
  forwardMacs: z.number().min(0),
  trainingMacs: z.number().min(0),
  trainImages: z.number().int().min(1),
  batchSize: z.number().int().min(1),
  activationBytes: z.number().min(0),
  paramBytes: z.number().min(0),
});
export type TCheckCost = z.infer<typeof ZCheckCost>;

/**
 * Exactly the object `./epoch check FILE --json` prints. `model`, `training` and `hash` are null when the source did
 * not yield a complete model (then `ok` is false and `errors` says why).
 */
export const ZCheckResult = z
  .object({
    ok: z.boolean(),
    errors: z.array(ZCheckMessage),
    warnings: z.array(ZCheckMessage),
    model: ZCheckModelSummary.nullable(),
    training: ZCheckTraining.nullable(),
    /** sha256 (hex) of the canonical ModelSpec; null without a complete spec. */
    hash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable(),
    /** The model's training cost (null without a model whose shapes work out; absent in API answers). */
    cost: ZCheckCost.nullable().optional(),
  })
  .strict();
export type TCheckResult = z.infer<typeof ZCheckResult>;
