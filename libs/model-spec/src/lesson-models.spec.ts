import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ZCheckResult, ZModelSpec } from '@epoch/contracts';
import { describe, expect, it } from 'vitest';
import { checkSource } from './check-source';
import { LESSON_FIXTURES, type TLessonFixture } from './fixtures';

const read = (f: TLessonFixture) => readFileSync(fileURLToPath(LESSON_FIXTURES[f]), 'utf8');
const jsonPart = (r: ReturnType<typeof checkSource>) => {
  const { ok, errors, warnings, model, training, hash } = r;
  return { ok, errors, warnings, model, training, hash };
};

describe('the lesson models (full lesson code around them)', () => {
  it('dense network: 789,258 parameters, SGD given positionally, 10 epochs', () => {
    const r = checkSource(read('denseNetwork'));
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.model?.totalParams).toBe(789_258);
    expect(r.model?.layers).toEqual([
      { type: 'Flatten', outputShape: [3072], params: 0 },
      { type: 'Dense', outputShape: [256], params: 786_688 },
      { type: 'Dense', outputShape: [10], params: 2570 },
    ]);
    expect(r.training).toEqual({ epochs: 10, batchSize: 64, optimizer: 'sgd', learningRate: 0.01, loss: 'categorical_crossentropy' });
    expect(r.spec?.layers.map((l) => l.name)).toEqual(['flatten', 'dense', 'dense_1']);
    expect(r.spec?.layers[1]).toMatchObject({ activation: 'sigmoid', units: 256 });
    expect(ZCheckResult.parse(jsonPart(r))).toEqual(jsonPart(r));
    expect(ZModelSpec.parse(r.spec)).toEqual(r.spec);
  });

  it('first CNN: 4,196,618 parameters; the stale model.summary() and the second compile are warnings', () => {
    const r = checkSource(read('firstCnn'));
    expect(r.ok).toBe(true);
    expect(r.model?.totalParams).toBe(4_196_618);
    expect(r.model?.layers.map((l) => [l.type, l.outputShape, l.params])).toEqual([
      ['Conv2D', [32, 32, 32], 896],
      ['Flatten', [32768], 0],
      ['Dense', [128], 4_194_432],
      ['Dense', [10], 1290],
    ]);
    expect(r.spec?.layers[2]).toMatchObject({ type: 'Dense', activation: 'linear' });
    const text = r.warnings.map((w) => w.message).join('\n');
    expect(text).toMatch(/`model` is not defined at this point.*model2\.summary\(\)/);
    expect(text).toMatch(/model2 is compiled again/);
    expect(r.warnings).toHaveLength(2);
  });

  it('model3: 94,890 parameters, shapes exactly as Keras prints them, 30 epochs', () => {
    const r = checkSource(read('model3'));
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([]);
    expect(r.model?.totalParams).toBe(94_890);
    expect(r.model?.trainableParams).toBe(94_890);
    expect(r.model?.layers.map((l) => l.outputShape)).toEqual([
      [32, 32, 32],
      [16, 16, 32],
      [16, 16, 32],
      [8, 8, 32],
      [8, 8, 64],
      [4, 4, 64],
      [1024],
      [64],
      [64],
      [10],
    ]);
    expect(r.model?.layers.map((l) => l.params)).toEqual([896, 0, 9248, 0, 18_496, 0, 0, 65_600, 0, 650]);
    expect(r.training?.epochs).toBe(30);
    expect(r.spec?.inputShape).toEqual([32, 32, 3]);
    expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('notes the ignored statements (the notebook magic, data pipeline, loops and plots) without warnings', () => {
    const r = checkSource(read('model3'));
    const infos = r.diagnostics.filter((d) => d.severity === 'info');
    expect(infos.some((d) => d.code === 'ignored-magic' && d.message.includes('%matplotlib inline'))).toBe(true);
    expect(infos.some((d) => d.message.includes('for loop'))).toBe(true);
    expect(infos.some((d) => d.message === 'Ignored: the function ds_elem_transform() is never called.')).toBe(true);
  });

  it('gives layers their source positions in the spec', () => {
    const src = read('model3');
    const r = checkSource(src);
    const line = src.split('\n').findIndex((l) => l.includes('Dense(64')) + 1;
    expect(r.spec?.layers[7]?.source).toEqual({ line, column: 5 });
  });
});
