import { describe, expect, it } from 'vitest';
import { checkSource } from '@epoch/model-spec';
import { modelRulesFromPolicy } from '@epoch/contracts';
import { formatShape, offsetOf } from './exercise-rules';

const policy = {
  minTestAccuracy: 0.6,
  requiredEpochs: 5,
  maxEpochs: 10,
  batchSize: 64,
  seed: 1,
  maxParams: 1000,
  maxTrainingMacs: 3.6e14,
  maxActivationMiB: 1024,
  maxParamMiB: 1024,
  allowedLayers: null,
  allowedOptimizers: null,
  timeLimitSeconds: 600,
  dailyQuota: 10,
  totalQuota: null,
  refundCancelledQuota: true,
  deadline: null,
  latePolicy: 'ACCEPT' as const,
  resultVisibility: 'IMMEDIATE' as const,
  limitTrain: null,
  limitTest: null,
  version: 1,
};

describe("the editor's rules (modelRulesFromPolicy on the policy students see)", () => {
  it('carries the epochs and parameter limit, so the browser check refuses what the grader would', () => {
    const rules = modelRulesFromPolicy(policy);
    expect(rules).toMatchObject({ requiredEpochs: 5, maxEpochs: 10, maxParams: 1000, outputUnits: 10 });
    const src = [
      'from tensorflow.keras.layers import *',
      'from tensorflow.keras import Sequential',
      'm = Sequential([Input((32, 32, 3)), Flatten(), Dense(10, activation="softmax")])',
      "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])",
      'm.fit(train_data, epochs=5, validation_data=validation_data)',
    ].join('\n');
    const r = checkSource(src, { rules });
    expect(r.errors.map((e) => e.message).join(' ')).toMatch(/the limit is 1,000/);
    expect(checkSource(src, { rules: { ...rules, maxParams: 1_000_000 } }).ok).toBe(true);
  });
  it('carries the cost limits, the batch size and the data limit, as the API and the grader use them', () => {
    const rules = modelRulesFromPolicy({ ...policy, maxTrainingMacs: 1e9, batchSize: 32, limitTrain: 500 });
    expect(rules).toMatchObject({ maxTrainingMacs: 1e9, maxActivationMiB: 1024, maxParamMiB: 1024, batchSize: 32, trainImages: 500 });
    const src = [
      'm = Sequential([Input((32, 32, 3)), Conv2D(64, 3, padding="same"), Flatten(), Dense(10, activation="softmax")])',
      "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])",
      'm.fit(train_data, epochs=5, validation_data=validation_data)',
    ].join('\n');
    expect(checkSource(src, { rules: { ...rules, maxParams: 10_000_000 } }).errors[0]?.message).toMatch(
      /^Training this model is too much work: layer conv2d \(Conv2D 64, 3×3\)/,
    );
  });
});

describe('offsetOf', () => {
  const doc = 'ab\ncde\nf';
  const starts = [0, 3, 7];
  it('maps 1-based line and column to an offset', () => {
    expect(offsetOf(starts, doc.length, 2, 2)).toBe(4);
    expect(doc[offsetOf(starts, doc.length, 3, 1)]).toBe('f');
  });
  it('clamps positions past a line or the document', () => {
    expect(offsetOf(starts, doc.length, 1, 99)).toBe(2);
    expect(offsetOf(starts, doc.length, 9, 9)).toBe(doc.length);
  });
});

describe('formatShape', () => {
  it('shows the batch dimension as None, as Keras does', () => expect(formatShape([16, 16, 32])).toBe('(None, 16, 16, 32)'));
});
