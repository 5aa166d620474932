import { describe, expect, it } from 'vitest';
import type { GradingPolicy } from '@epoch/db';
import { studentPolicyView } from './policy-row';

const row = {
  id: 'p1',
  exerciseId: 'e1',
  minTestAccuracy: 0.5,
  requiredEpochs: 10,
  maxEpochs: 10,
  batchSize: 64,
  seed: 42,
  maxParams: 1000,
  allowedLayers: ['Dense', 'Flatten'],
  allowedOptimizers: null,
  timeLimitSeconds: 600,
  dailyQuota: 3,
  totalQuota: null,
  deadline: new Date('2030-01-01T12:00:00Z'),
  latePolicy: 'REFUSE',
  resultVisibility: 'AFTER_DEADLINE',
  limitTrain: 500,
  limitTest: null,
  reuseCachedResults: true,
  version: 4,
  createdAt: new Date(),
  updatedAt: new Date(),
} as GradingPolicy;

describe('the student view of a policy', () => {
  it('shows students everything but the reuse switch, with the version', () => {
    const v = studentPolicyView(row);
    expect(v).not.toHaveProperty('reuseCachedResults');
    expect(v).toMatchObject({ version: 4, dailyQuota: 3, deadline: '2030-01-01T12:00:00.000Z' });
  });
});
