import { MODEL3_TRAINING_MACS } from '@epoch/contracts';
import { describe, expect, it } from 'vitest';
import { costPreview } from './cost-preview';

const cost = {
  forwardMacs: 4_536_000,
  trainingMacs: MODEL3_TRAINING_MACS,
  trainImages: 45_000,
  batchSize: 64,
  activationBytes: 15_501_824,
  paramBytes: 1_518_240,
};
const policy = { maxTrainingMacs: 3.6e14, maxActivationMiB: 1024, limitTrain: null, limitTest: null };

describe('costPreview', () => {
  it("shows model3's cost against the limits and its training time at the graders' measured throughput", () => {
    // 4,536,000 × (30 × (3 × 45,000 + 5,000) + 10,000) = 1.9096e13 multiply-adds at 2.4e10 per second: 796 s
    expect(costPreview(cost, 30, policy, { alive: 2, macsPerSecond: 2.4e10 })).toEqual([
      ['Multiply-adds per image', '4.5 M'],
      ['Training work', '18.4 T (5% of the 360.0 T allowed)'],
      ['Activations per batch', '14.8 MiB for 64 images (1% of the limit)'],
      ['Estimated training time', 'about 13 min on the 2 graders serving now'],
    ]);
  });
  it('says why there is no estimate, and shows nothing without a model', () => {
    expect(costPreview(cost, 30, policy, { alive: 0, macsPerSecond: 2.4e10 }).at(-1)).toEqual(['Estimated training time', 'no grader is running now']);
    expect(costPreview(cost, 30, policy, { alive: 1, macsPerSecond: null }).at(-1)?.[1]).toMatch(/not known yet/);
    expect(costPreview(null, 30, policy, { alive: 1, macsPerSecond: 1 })).toEqual([]);
  });
});
