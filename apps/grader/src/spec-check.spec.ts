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
    // model-spec's one rules check: the messages ./epoch check and the editor show for the same model.
    expect(problems).toEqual([
      'Flatten is not allowed in this exercise. Allowed layers: Conv2D, Dense',
      'The adam optimizer is not allowed in this exercise. Allowed: sgd',
      'This exercise trains for exactly 10 epochs, but fit() asks for 20',
    ]);
  });
  it("refuses a model for other images than the exercise's", () => {
    const r = checkStoredSpec({ ...denseSpec(), inputShape: [28, 28, 1] }, policy());
    expect(!r.ok && !r.corrupt && r.problems[0]).toBe("This exercise's images are (32, 32, 3), but the model's input shape is (28, 28, 1)");
  });
  it('refuses a model over the cost limits of the current policy, naming the layer', () => {
    const r = checkStoredSpec(model3Spec(), policy({ maxTrainingMacs: 1e12 }));
    expect(!r.ok && !r.corrupt && r.problems[0]).toMatch(
      /^Training this model is too much work: layer conv2d_1 \(Conv2D 32, 3×3\) needs 2\.4 M multiply-adds per image/,
    );
  });
});
