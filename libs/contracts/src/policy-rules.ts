import type { TGradingPolicy } from './grading-policy';
import { DEFAULT_TRAIN_IMAGES } from './model-limits';
import type { TModelRulesInput } from './model-rules';

/** What every CIFAR-10 exercise requires of a model, whatever its policy: 32×32 RGB in, 10 softmax classes out. */
export const CIFAR10_MODEL_RULES = { inputShape: [32, 32, 3], outputUnits: 10, outputActivation: 'softmax' } as const satisfies TModelRulesInput;

/** The parts of a policy the model rules come from (the full policy, or the part students are shown). */
export type TPolicyRuleFields = Pick<
  TGradingPolicy,
  | 'requiredEpochs'
  | 'maxEpochs'
  | 'maxParams'
  | 'allowedLayers'
  | 'allowedOptimizers'
  | 'maxTrainingMacs'
  | 'maxActivationMiB'
  | 'maxParamMiB'
  | 'limitTrain'
  | 'batchSize'
>;

/**
 * The model rules an exercise's grading policy implies: the one mapping, used by `./epoch check --exercise`, the API,
 * the grader and the editor in the browser (from the policy students see), so all of them refuse the same models. The
 * cost limits are computed for the policy's batch size and training images.
 */
export function modelRulesFromPolicy(policy: TPolicyRuleFields): TModelRulesInput {
  return {
    ...CIFAR10_MODEL_RULES,
    inputShape: [...CIFAR10_MODEL_RULES.inputShape],
    ...(policy.requiredEpochs !== null ? { requiredEpochs: policy.requiredEpochs } : {}),
    maxEpochs: policy.maxEpochs,
    maxParams: policy.maxParams,
    maxTrainingMacs: policy.maxTrainingMacs,
    maxActivationMiB: policy.maxActivationMiB,
    maxParamMiB: policy.maxParamMiB,
    ...(policy.limitTrain !== null ? { trainImages: Math.min(policy.limitTrain, DEFAULT_TRAIN_IMAGES) } : {}),
    batchSize: policy.batchSize,
    ...(policy.allowedLayers ? { allowedLayers: policy.allowedLayers } : {}),
    ...(policy.allowedOptimizers ? { allowedOptimizers: policy.allowedOptimizers } : {}),
  };
}
