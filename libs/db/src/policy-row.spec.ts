import { describe, expect, it } from 'vitest';
import { Prisma, type GradingPolicy } from './generated/client';
import { policyColumns, policyFromRow } from './policy-row';
import { POLICY_ROW_FIXTURE as row } from './testing';

describe('policy rows', () => {
  it('reads a row back into the contract form', () => {
    expect(policyFromRow(row)).toEqual({
      minTestAccuracy: 0.5,
      requiredEpochs: 10,
      maxEpochs: 10,
      batchSize: 64,
      seed: 42,
      maxParams: 1000,
      maxTrainingMacs: 2e13,
      maxActivationMiB: 256,
      maxParamMiB: 64,
      allowedLayers: ['Dense', 'Flatten'],
      allowedOptimizers: null,
      timeLimitSeconds: 600,
      dailyQuota: 3,
      totalQuota: null,
      refundCancelledQuota: true,
      deadline: '2030-01-01T12:00:00.000Z',
      latePolicy: 'REFUSE',
      resultVisibility: 'AFTER_DEADLINE',
      opensAt: '2029-12-01T08:00:00.000Z',
      lateCredit: [{ hours: 24, credit: 0.8 }],
      countedResult: 'LAST',
      limitTrain: 500,
      limitTest: null,
      reuseCachedResults: true,
      seedPolicy: 'PER_STUDENT',
      bestOfSeeds: 3,
      bestOfMargin: 0.02,
      heldOutShare: 0.5,
      practiceTrainImages: 5000,
      practiceEpochs: 3,
      practiceDailyLimit: 5,
      replaceQueued: false,
      congestionWaitSeconds: 1800,
    });
  });
  it('writes the contract form back as columns (JSON null for no restriction, dates as Date)', () => {
    const p = policyFromRow(row);
    const cols = policyColumns({ ...p, allowedOptimizers: null });
    expect(cols.allowedLayers).toEqual(['Dense', 'Flatten']);
    expect(cols.allowedOptimizers).toBe(Prisma.DbNull);
    expect(cols.deadline).toEqual(new Date('2030-01-01T12:00:00Z'));
    expect(cols.opensAt).toEqual(new Date('2029-12-01T08:00:00Z'));
    expect(policyColumns({ ...p, lateCredit: null }).lateCredit).toBe(Prisma.DbNull);
    expect(cols).toMatchObject({ maxTrainingMacs: 2e13, maxActivationMiB: 256, maxParamMiB: 64 });
    expect(policyFromRow({ ...row, ...cols, allowedOptimizers: null } as GradingPolicy)).toEqual({ ...p, allowedOptimizers: null });
  });
});
