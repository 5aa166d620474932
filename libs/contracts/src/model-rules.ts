import { z } from 'zod';
import { ZActivation, ZOptimizerName } from './model-spec';
import { ZLayerType } from './grading-policy';

/** Hard limits that hold for every check, with or without an exercise. */
export const DEFAULT_MODEL_LIMITS = {
  maxEpochs: 200,
  maxParams: 20_000_000,
  maxLayers: 100,
  maxSourceBytes: 64 * 1024,
} as const;

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
});
export type TModelRules = z.infer<typeof ZModelRules>;
export type TModelRulesInput = z.input<typeof ZModelRules>;
