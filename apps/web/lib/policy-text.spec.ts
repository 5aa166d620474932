import { describe, expect, it } from 'vitest';
import { calibrationSeedsLeft, policyRows, quotaAllows } from './policy-text';

const p = {
  minTestAccuracy: 0.65,
  requiredEpochs: 30,
  maxEpochs: 30,
  batchSize: 64,
  seed: 1,
  maxParams: 500000,
  maxTrainingMacs: 3.6e14,
  maxActivationMiB: 1024,
  maxParamMiB: 512,
  allowedLayers: null,
  allowedOptimizers: null,
  timeLimitSeconds: 900,
  dailyQuota: 10,
  totalQuota: null,
  refundCancelledQuota: true,
  deadline: '2026-01-01T00:00:00.000Z',
  latePolicy: 'REFUSE' as const,
  resultVisibility: 'IMMEDIATE' as const,
  opensAt: null,
  lateCredit: null,
  countedResult: 'BEST' as const,
  limitTrain: null,
  limitTest: null,
  seedPolicy: 'FIXED' as const,
  bestOfSeeds: 3,
  bestOfMargin: 0.02,
  heldOutShare: null,
  practiceTrainImages: 5000,
  practiceEpochs: 3,
  practiceDailyLimit: 5,
  replaceQueued: false,
  congestionWaitSeconds: 1800,
  version: 1,
};

describe('policyRows', () => {
  it('states the threshold, epochs, limits, deadline and quota in words', () => {
    const rows = Object.fromEntries(policyRows(p, { usedToday: 3, dailyLeft: 7, usedTotal: 3, totalLeft: null }, new Date('2026-02-01')));
    expect(rows['Pass mark']).toBe('test accuracy of at least 65.0%');
    expect(rows['Epochs']).toBe('exactly 30');
    expect(rows['Largest model']).toBe('500,000 parameters');
    expect(rows['Training cost']).toBe('at most 360.0 T multiply-adds of training, 1,024 MiB of activations per batch, 512 MiB of weights');
    expect(rows['Training time limit']).toBe('15 min');
    expect(rows['Deadline']).toEqual({ at: '2026-01-01T00:00:00.000Z', note: ' (passed: submissions are closed)' });
    expect(rows['Submissions']).toBe('7 left today');
    expect(rows['Cancelling']).toBe('gives the submission back, even while it trains');
    const counted = Object.fromEntries(policyRows({ ...p, refundCancelledQuota: false }, { usedToday: 3, dailyLeft: 7, usedTotal: 3, totalLeft: null }));
    expect(counted['Cancelling']).toBe('while it trains still uses the submission');
  });
  it('describes practice runs and replacing a queued submission when the policy offers them', () => {
    const rows = Object.fromEntries(policyRows({ ...p, replaceQueued: true }, { usedToday: 0, dailyLeft: 10, usedTotal: 0, totalLeft: null }));
    expect(rows['Practice runs']).toBe('free, 5 a day: 5,000 training images, 3 epochs, validation metrics only');
    expect(rows['Resubmitting']).toBe('a newer submission replaces your older one still waiting in the queue (its slot is returned)');
    const off = policyRows({ ...p, practiceDailyLimit: 0 }, null).map(([k]) => k);
    expect(off).not.toContain('Practice runs');
    expect(off).not.toContain('Resubmitting');
  });
  it('leaves the quota out for staff', () => {
    expect(policyRows(p, null).map(([k]) => k)).not.toContain('Submissions');
  });
});

describe('quotaAllows', () => {
  it('refuses when either quota is used up', () => {
    expect(quotaAllows({ usedToday: 10, dailyLeft: 0, usedTotal: 10, totalLeft: null })).toBe(false);
    expect(quotaAllows({ usedToday: 1, dailyLeft: 9, usedTotal: 1, totalLeft: 0 })).toBe(false);
    expect(quotaAllows({ usedToday: 1, dailyLeft: 9, usedTotal: 1, totalLeft: null })).toBe(true);
    expect(quotaAllows(null)).toBe(true);
  });
});

describe('policyRows: seeds and the held-out split', () => {
  it('tells the student about their own seed, best of k and a held-out split', () => {
    const rows = (q: Partial<typeof p>) => Object.fromEntries(policyRows({ ...p, ...q }, null, new Date('2025-12-01')));
    expect(rows({})['Seed']).toBeUndefined();
    expect(rows({ seedPolicy: 'PER_STUDENT' as never })['Seed']).toBe('your own training seed (the same on every submission)');
    expect(rows({ seedPolicy: 'BEST_OF_K' as never })['Seeds']).toContain('up to 3 in all');
    expect(rows({ heldOutShare: 0.5 as never })['Held-out test images']).toBe(
      '50% of the test images decide pass or fail; their numbers and the verdict are shown after the deadline',
    );
  });
});

describe('calibrationSeedsLeft', () => {
  const view = (statuses: string[]) => ({
    id: 'c',
    createdAt: '2026-12-06T00:00:00.000Z',
    variant: null,
    seeds: statuses.length,
    policyVersion: 1,
    runs: statuses.map((status, i) => ({ seed: 42 + i, status, testAccuracy: status === 'PASSED' ? 0.71 : null })),
    done: statuses.filter((s) => s === 'PASSED').length,
    distribution: null,
    passMark: 0.7,
    failing: 0,
    passing: 0,
    suggestedPassMark: null,
    summary: '',
  });
  it('counts the seeds of the reference solution and of every wrong variant still queued or training', () => {
    expect(calibrationSeedsLeft({ calibration: null, variants: [], suggestion: null })).toBe(0);
    const state = {
      calibration: view(['PASSED', 'RUNNING', 'QUEUED']),
      variants: [
        { name: 'no-dropout', description: null, file: 'variants/no-dropout.py', calibration: view(['QUEUED', 'ERROR']) },
        { name: 'model2-30-epochs', description: null, file: 'variants/model2.py', calibration: null },
      ],
      suggestion: null,
    };
    expect(calibrationSeedsLeft(state)).toBe(3);
    // Finished runs (trained, or ended otherwise) leave nothing to wait for.
    expect(calibrationSeedsLeft({ ...state, calibration: view(['PASSED', 'ERROR']), variants: [] })).toBe(0);
  });
});
