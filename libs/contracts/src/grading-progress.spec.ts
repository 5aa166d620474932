import { describe, expect, it } from 'vitest';
import { estimateEtaFromWork, estimateQueueEtaSeconds, gradingWork, GRADING_JOB_OPTIONS, ZGradingProgress } from './grading-progress';

describe('grading progress', () => {
  it('accepts a progress report and names a bad field', () => {
    const p = { phase: 'training', attempt: 1, epoch: 2, epochs: 10, batch: 300, batches: 704, loss: 1.2, accuracy: 0.4, imagesPerSecond: 900, etaSeconds: 60 };
    expect(ZGradingProgress.parse(p)).toEqual(p);
    const bad = ZGradingProgress.safeParse({ ...p, attempt: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['attempt']);
  });
  it('retries infrastructure failures three times with backoff', () => {
    expect(GRADING_JOB_OPTIONS.attempts).toBe(3);
    expect(GRADING_JOB_OPTIONS.backoff.type).toBe('exponential');
  });
});

describe('queue ETA', () => {
  it('spreads the jobs ahead over the workers', () => {
    expect(estimateQueueEtaSeconds({ position: 1, workers: 1, secondsPerJob: 60 })).toBe(60);
    expect(estimateQueueEtaSeconds({ position: 3, workers: 1, secondsPerJob: 60 })).toBe(180);
    expect(estimateQueueEtaSeconds({ position: 3, workers: 2, secondsPerJob: 60 })).toBe(120);
    expect(estimateQueueEtaSeconds({ position: 2, workers: 2, secondsPerJob: 60, runningSecondsLeft: 15 })).toBe(75);
    expect(estimateQueueEtaSeconds({ position: 1, workers: 0, secondsPerJob: 10 })).toBe(10);
  });
  it('is unknown without a job cost or a position', () => {
    expect(estimateQueueEtaSeconds({ position: 1, workers: 1, secondsPerJob: 0 })).toBeNull();
    expect(estimateQueueEtaSeconds({ position: 0, workers: 1, secondsPerJob: 5 })).toBeNull();
    expect(estimateQueueEtaSeconds({ position: 1, workers: 1, secondsPerJob: Number.NaN })).toBeNull();
  });
  it('estimates from the work ahead, spread over the workers, plus its own, at the recent throughput', () => {
    expect(estimateEtaFromWork({ workAhead: 0, ownWork: 1e9, workers: 1, macsPerSecond: 1e8 })).toBe(10);
    expect(estimateEtaFromWork({ workAhead: 4e9, ownWork: 1e9, workers: 2, macsPerSecond: 1e8 })).toBe(30);
    expect(estimateEtaFromWork({ workAhead: 4e9, ownWork: 1e9, workers: 0, macsPerSecond: 1e8 })).toBe(50);
    expect(estimateEtaFromWork({ workAhead: 0, ownWork: 1e9, workers: 1, macsPerSecond: 0 })).toBeNull();
  });
  it('counts the work of grading: training (×3) and validation every epoch, then the test images', () => {
    expect(gradingWork({ forwardMacs: 10, epochs: 2 })).toBe(10 * (2 * (3 * 45_000 + 5_000) + 10_000));
    expect(gradingWork({ forwardMacs: 10, epochs: 1, limitTrain: 1000, limitTest: 500 })).toBe(10 * (3 * 1000 + 500 + 500));
    expect(gradingWork({ forwardMacs: 10, epochs: 1, limitTrain: 1e9, limitTest: null })).toBe(10 * (3 * 45_000 + 5_000 + 10_000));
  });
});
