import { describe, expect, it } from 'vitest';
import { ZCheckResult } from './check-result';
import { ZDiagnostic } from './diagnostics';
import { DEFAULT_MODEL_LIMITS, DEFAULT_TRAIN_IMAGES } from './model-limits';
import { ZModelRules } from './model-rules';

const result = {
  ok: true,
  errors: [],
  warnings: [{ line: 3, column: 1, message: 'compiled twice' }],
  model: { layers: [{ type: 'Dense', outputShape: [10], params: 2570 }], totalParams: 2570, trainableParams: 2570 },
  training: { epochs: 30, batchSize: 64, optimizer: 'adam', learningRate: 0.001, loss: 'categorical_crossentropy' },
  hash: 'a'.repeat(64),
};

describe('check result, diagnostics and model rules schemas', () => {
  it('ZCheckResult is exactly the `./epoch check --json` object', () => {
    expect(ZCheckResult.parse(result)).toEqual(result);
    expect(ZCheckResult.safeParse({ ...result, extra: 1 }).success).toBe(false);
    expect(ZCheckResult.parse({ ...result, ok: false, model: null, training: null, hash: null }).model).toBeNull();
    expect(ZCheckResult.safeParse({ ...result, hash: 'xyz' }).success).toBe(false);
  });

  it('ZDiagnostic positions are 1-based', () => {
    expect(ZDiagnostic.safeParse({ line: 0, column: 1, message: 'm', severity: 'error', code: 'c' }).success).toBe(false);
    expect(ZDiagnostic.parse({ line: 1, column: 1, message: 'm', severity: 'info', code: 'c' }).severity).toBe('info');
  });

  it('ZModelRules: restrictions optional, limits defaulted', () => {
    expect(ZModelRules.parse({})).toEqual({ ...DEFAULT_MODEL_LIMITS, trainImages: DEFAULT_TRAIN_IMAGES });
    const r = ZModelRules.parse({
      inputShape: [32, 32, 3],
      outputUnits: 10,
      outputActivation: 'softmax',
      allowedLayers: ['Dense'],
      allowedOptimizers: ['adam'],
    });
    expect(r).toMatchObject({ maxEpochs: 200, maxParams: 20_000_000, maxSourceBytes: 65_536, allowedLayers: ['Dense'] });
    expect(ZModelRules.safeParse({ allowedLayers: ['Lambda'] }).success).toBe(false);
  });
});
