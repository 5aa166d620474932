import { describe, expect, it } from 'vitest';
import { ZGradingPolicy } from '@epoch/contracts';
import { EXTRA_SEED_PRIORITY, jobPriority, ranksOf } from './queue-order';
import { practiceRun, practiceTraining } from './use-cases/practice';

describe('queue order', () => {
  it('puts every graded run before every practice run before extra seeds before every calibration run, whatever the rank', () => {
    expect(jobPriority('GRADED', 0)).toBe(1);
    expect(jobPriority('GRADED', 10_000_000)).toBeLessThan(jobPriority('PRACTICE', 0));
    expect(jobPriority('PRACTICE', 10_000_000)).toBeLessThan(EXTRA_SEED_PRIORITY);
    expect(EXTRA_SEED_PRIORITY).toBeLessThan(jobPriority('CALIBRATION', 0));
    // BullMQ's largest priority is 2^21.
    expect(jobPriority('CALIBRATION', 10_000_000)).toBeLessThanOrEqual(2 ** 21);
    expect(jobPriority('GRADED', -3)).toBe(1);
  });
  it("ranks a student's queued runs after their runs training and their earlier queued ones", () => {
    const ranks = ranksOf([
      { id: 'a', status: 'QUEUED' },
      { id: 'b', status: 'RUNNING' },
      { id: 'c', status: 'QUEUED' },
    ]);
    expect([...ranks]).toEqual([
      ['a', 1],
      ['c', 2],
    ]);
    expect([...ranksOf([{ id: 'x', status: 'QUEUED' }])]).toEqual([['x', 0]]);
  });
});

describe('practice runs', () => {
  const policy = ZGradingPolicy.parse({ minTestAccuracy: 0.7, requiredEpochs: 30, maxEpochs: 30, practiceTrainImages: 5000, practiceEpochs: 3 });
  it('train the practice subset (never more than the exercise limit) for the practice epochs', () => {
    expect(practiceTraining(policy)).toEqual({ limitTrain: 5000, epochs: 3 });
    expect(practiceTraining({ ...policy, limitTrain: 1000 })).toEqual({ limitTrain: 1000, epochs: 3 });
    const run = practiceRun(policy, { epochs: 30 } as Parameters<typeof practiceRun>[1]);
    expect(run.spec.epochs).toBe(3);
    expect(run.policy).toMatchObject({ limitTrain: 5000, requiredEpochs: null, seed: policy.seed, batchSize: policy.batchSize });
  });
});
