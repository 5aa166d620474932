import { describe, expect, it } from 'vitest';
import { tinyCnnSpec } from '@epoch/trainer';
import { ZChildMessage, ZParentMessage } from './protocol';

describe('the messages between the grader and a training child', () => {
  it('carries a diverging loss (NaN, Infinity) in progress, as the trainer reports it before it stops', () => {
    const batch = { type: 'batch', progress: { epoch: 1, epochs: 2, batch: 3, batches: 9, loss: Number.NaN, accuracy: 0.1, imagesPerSecond: 50 } };
    expect(ZChildMessage.parse(batch)).toEqual(batch);
    const epoch = { type: 'epoch', stats: { epoch: 1, loss: Infinity, accuracy: 0, valLoss: null, valAccuracy: null, seconds: 1, etaSeconds: 3 } };
    expect(ZChildMessage.safeParse(epoch).success).toBe(true);
  });

  it('carries artifacts as bytes, and refuses anything else in their place', () => {
    const graded = (bytes: unknown) => ({
      type: 'graded',
      result: {
        paramCount: 1,
        history: [],
        evaluation: { count: 2, testAccuracy: 0.5, testLoss: 1, perClassAccuracy: [null, 0.5], confusionMatrix: [[1]] },
        artifacts: [{ kind: 'WEIGHTS', name: 'weights.bin', contentType: 'application/octet-stream', bytes }],
        trainingMs: 1,
        evaluationMs: 1,
        trainImagesPerSecond: 1,
      },
    });
    expect(ZChildMessage.safeParse(graded(new Uint8Array([1, 2]))).success).toBe(true);
    expect(ZChildMessage.safeParse(graded(Buffer.from([1, 2]))).success).toBe(true);
    const bad = ZChildMessage.safeParse(graded('AQI='));
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('bytes must be a Uint8Array');
  });

  it('refuses a job the child cannot run exactly as sent (unknown fields, a missing ModelSpec)', () => {
    const job = {
      type: 'grade',
      spec: tinyCnnSpec(),
      settings: { epochs: 1, batchSize: 64, seed: 1, maxParams: 100 },
      data: { cacheDir: '/data/cifar10' },
      everyNBatches: 10,
    };
    expect(ZParentMessage.safeParse(job).success).toBe(true);
    expect(ZParentMessage.safeParse({ ...job, settings: { ...job.settings, limitTrain: 0 } }).success).toBe(false);
    expect(ZParentMessage.safeParse({ ...job, extra: true }).success).toBe(false);
    expect(ZParentMessage.safeParse({ ...job, spec: undefined }).success).toBe(false);
    expect(ZParentMessage.safeParse({ type: 'init', backend: 'tpu', data: null }).success).toBe(false);
  });
});
