import { z } from 'zod';
import { ZActivation, ZOptimizerName } from './model-spec';
import { ZLayerType } from './grading-policy';
import { DEFAULT_MODEL_LIMITS, DEFAULT_TRAIN_IMAGES } from './model-limits';

/**
 * What `./epoch check --exercise SLUG` (and the grader) enforces on a ModelSpec. Every field is optional: an absent
 * restriction is not enforced; absent limits take DEFAULT_MODEL_LIMITS.
 */
export const ZModelRules = z.object({
  /** Required input shape without the batch dimension, e.g. [32, 32, 3]. */
  inputShape: z.array(z.number().int().min(1)).min(1).optional(),
  /** Required size of the last layer's output (the number of classes). */
  outputUnits: z.number().int().min(1).optional(),
  /** Required activation of the model's output, e.g. softmax. */
  outputActivation: ZActivation.optional(),
  requiredEpochs: z.number().int().min(1).optional(),
  maxEpochs: z.number().int().min(1).default(DEFAULT_MODEL_LIMITS.maxEpochs),
  maxParams: z.number().int().min(1).default(DEFAULT_MODEL_LIMITS.maxParams),
  allowedOptimizers: z.array(ZOptimizerName).min(1).optional(),
  allowedLayers: z.array(ZLayerType).min(1).optional(),
  maxLayers: z.number().int().min(1).max(10_000).default(DEFAULT_MODEL_LIMITS.maxLayers),
  maxSourceBytes: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024)
    .default(DEFAULT_MODEL_LIMITS.maxSourceBytes),
  /** Cost limits (see DEFAULT_MODEL_LIMITS): training work in multiply-accumulates, memory in MiB. */
  maxTrainingMacs: z.number().positive().default(DEFAULT_MODEL_LIMITS.maxTrainingMacs),
  maxActivationMiB: z.number().positive().default(DEFAULT_MODEL_LIMITS.maxActivationMiB),
  maxParamMiB: z.number().positive().default(DEFAULT_MODEL_LIMITS.maxParamMiB),
  /** Training images per epoch, for the training work (the exercise's limit on its data, else CIFAR-10's 45,000). */
  trainImages: z.number().int().min(1).default(DEFAULT_TRAIN_IMAGES),
  /** The batch size training uses, for the activation memory (the exercise's; absent: the model's own fit()). */
  batchSize: z.number().int().min(1).max(4096).optional(),
});
export type TModelRules = z.infer<typeof ZModelRules>;
export type TModelRulesInput = z.input<typeof ZModelRules>;
