import { describe, expect, it } from 'vitest';
import { ZGradingPolicy } from './grading-policy';
import { ZModelRules } from './model-rules';
import { modelRulesFromPolicy } from './policy-rules';

describe('modelRulesFromPolicy', () => {
  it('carries the policy limits and the CIFAR-10 shape rules', () => {
    const policy = ZGradingPolicy.parse({ minTestAccuracy: 0.7, requiredEpochs: 30, maxEpochs: 30, maxParams: 1_000_000, allowedOptimizers: ['adam'] });
    const rules = ZModelRules.parse(modelRulesFromPolicy(policy));
    expect(rules).toMatchObject({
      inputShape: [32, 32, 3],
      outputUnits: 10,
      outputActivation: 'softmax',
      requiredEpochs: 30,
      maxEpochs: 30,
      maxParams: 1_000_000,
      allowedOptimizers: ['adam'],
    });
    expect(rules.allowedLayers).toBeUndefined();
  });
  it('carries the cost limits, the batch size and the training images the work is computed for', () => {
    const policy = ZGradingPolicy.parse({ minTestAccuracy: 0.5, maxTrainingMacs: 1e12, maxActivationMiB: 64, maxParamMiB: 8, batchSize: 32, limitTrain: 1000 });
    expect(ZModelRules.parse(modelRulesFromPolicy(policy))).toMatchObject({
      maxTrainingMacs: 1e12,
      maxActivationMiB: 64,
      maxParamMiB: 8,
      batchSize: 32,
      trainImages: 1000,
    });
    // a data limit above the training split trains on the whole split
    expect(modelRulesFromPolicy(ZGradingPolicy.parse({ minTestAccuracy: 0.5, limitTrain: 1e6 })).trainImages).toBe(45_000);
    expect(modelRulesFromPolicy(ZGradingPolicy.parse({ minTestAccuracy: 0.5 })).trainImages).toBeUndefined();
  });
  it('leaves epochs free when the policy requires none', () => {
    const rules = modelRulesFromPolicy(ZGradingPolicy.parse({ minTestAccuracy: 0.5 }));
    expect(rules.requiredEpochs).toBeUndefined();
    expect(rules.maxEpochs).toBe(200);
  });
});
