import { describe, expect, it } from 'vitest';
import { ZGradingPolicy } from '@epoch/contracts';
import { denseSpec, model3Spec } from '@epoch/trainer';
import { checkStoredSpec } from './spec-check';

const policy = (p: Record<string, unknown> = {}) => ZGradingPolicy.parse({ minTestAccuracy: 0.3, ...p });

describe('checkStoredSpec', () => {
  it('accepts a stored spec within the policy', () => {
    const r = checkStoredSpec(model3Spec(), policy());
    expect(r.ok).toBe(true);
  });
  it("marks an unreadable stored spec as corrupt (not the student's fault), naming the field", () => {
    const r = checkStoredSpec({ ...model3Spec(), epochs: 'ten' }, policy());
    expect(r).toMatchObject({ ok: false, corrupt: true });
    expect(!r.ok && r.problems[0]).toMatch(/modelSpec\.epochs/);
    expect(checkStoredSpec(null, policy())).toMatchObject({ ok: false, corrupt: true });
  });
  it('reports each limit of the current policy the model breaks', () => {
    const r = checkStoredSpec(
      { ...denseSpec(), epochs: 20 },
      policy({ requiredEpochs: 10, maxEpochs: 15, allowedLayers: ['Conv2D', 'Dense'], allowedOptimizers: ['sgd'] }),
    );
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems).toEqual([
      'the model trains for 20 epochs; this exercise requires exactly 10',
      'the model trains for 20 epochs; the limit is 15',
      'layer "flatten" is a Flatten; this exercise allows Conv2D, Dense',
      'the optimizer adam is not allowed; this exercise allows sgd',
    ]);
  });
  it("refuses a model for other images than the exercise's", () => {
    const r = checkStoredSpec({ ...denseSpec(), inputShape: [28, 28, 1] }, policy());
    expect(!r.ok && !r.corrupt && r.problems[0]).toMatch(/input shape is \(28, 28, 1\); this exercise's images are \(32, 32, 3\)/);
  });
});
