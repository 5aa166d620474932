import type { GradingPolicy } from '../generated/client';

/**
 * A policy row as Prisma returns it, with a value in every column (lists, a deadline, nulls): what the policy mapping
 * and the views built on it are tested with.
 */
export const POLICY_ROW_FIXTURE: GradingPolicy = {
  id: 'p1',
  exerciseId: 'e1',
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
  deadline: new Date('2030-01-01T12:00:00Z'),
  latePolicy: 'REFUSE',
  resultVisibility: 'AFTER_DEADLINE',
  opensAt: new Date('2029-12-01T08:00:00Z'),
  lateCredit: [{ hours: 24, credit: 0.8 }],
  countedResult: 'LAST',
  limitTrain: 500,
  limitTest: null,
  reuseCachedResults: true,
  practiceTrainImages: 5000,
  practiceEpochs: 3,
  practiceDailyLimit: 5,
  replaceQueued: false,
  congestionWaitSeconds: 1800,
  version: 4,
  filePolicy: null,
  createdAt: new Date(),
  updatedAt: new Date(),
} as GradingPolicy;
