import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagnose, lessonStepFor, type THistoryEpoch } from './diagnose';

const runs = join(dirname(fileURLToPath(import.meta.url)), '../../../../exercises/cifar10-intro/reference-runs');
const recorded = (model: string) => ({
  history: JSON.parse(readFileSync(join(runs, model, 'history.json'), 'utf8')) as THistoryEpoch[],
  confusion: (JSON.parse(readFileSync(join(runs, model, 'evaluation.json'), 'utf8')) as { confusionMatrix: number[][] }).confusionMatrix,
});
const kinds = (h: THistoryEpoch[], c: unknown = null) => diagnose(h, c).map((d) => d.kind);
const epochs = (rows: [number, number, number | null, number | null][]): THistoryEpoch[] =>
  rows.map(([loss, accuracy, valLoss, valAccuracy], i) => ({ epoch: i + 1, loss, accuracy, valLoss, valAccuracy }));

describe('diagnose on the recorded reference runs', () => {
  it('model2 (the first CNN) overfits from epoch 5, where its validation loss turns up', () => {
    const { history, confusion } = recorded('model2');
    const found = diagnose(history, confusion);
    expect(found.map((d) => d.kind)).toEqual(['overfitting']);
    expect(found[0].epoch).toBe(5);
    expect(found[0].message).toContain('From epoch 5 on');
  });

  it('the dense network underfits: both accuracies low and still rising at epoch 10', () => {
    const { history, confusion } = recorded('dense');
    const found = diagnose(history, confusion);
    expect(found.map((d) => d.kind)).toEqual(['underfitting']);
    expect(found[0].epoch).toBe(10);
  });

  it('model3, the lesson solution, gets no hint', () => {
    const { history, confusion } = recorded('model3');
    expect(diagnose(history, confusion)).toEqual([]);
  });
});

describe('diagnose rules', () => {
  it('a NaN loss says the learning rate is too high, at the epoch it appeared', () => {
    const found = diagnose(
      epochs([
        [2.1, 0.2, 2.0, 0.25],
        [Number.NaN, 0.1, Number.NaN, 0.1],
      ]),
    );
    expect(found.map((d) => [d.kind, d.epoch])).toEqual([['learning-rate-too-high', 2]]);
    expect(found[0].title).toContain('NaN');
  });

  it('training loss rising early says the learning rate is too high', () => {
    const found = diagnose(
      epochs([
        [2.0, 0.3, 1.9, 0.3],
        [2.4, 0.2, 2.5, 0.2],
        [2.3, 0.2, 2.3, 0.2],
      ]),
    );
    expect(found.map((d) => [d.kind, d.epoch])).toContainEqual(['learning-rate-too-high', 2]);
  });

  it('training loss oscillating early says the learning rate is too high', () => {
    const h = epochs([
      [2.0, 0.3, 2.0, 0.3],
      [1.9, 0.31, 1.9, 0.3],
      [1.93, 0.3, 1.95, 0.3],
      [1.89, 0.31, 1.9, 0.3],
      [1.9, 0.3, 1.92, 0.3],
    ]);
    expect(kinds(h)).toContain('learning-rate-too-high');
  });

  it('a steadily falling loss is no learning-rate problem', () => {
    expect(
      kinds(
        epochs([
          [2.0, 0.6, 1.9, 0.6],
          [1.5, 0.7, 1.4, 0.7],
          [1.2, 0.8, 1.1, 0.75],
        ]),
      ),
    ).toEqual([]);
  });

  it('low accuracies that stopped rising are not called underfitting', () => {
    expect(
      kinds(
        epochs([
          [1.9, 0.3, 1.9, 0.3],
          [1.8, 0.35, 1.8, 0.34],
          [1.8, 0.35, 1.8, 0.34],
          [1.8, 0.35, 1.8, 0.33],
        ]),
      ),
    ).not.toContain('underfitting');
  });

  it('validation loss turning up without an accuracy gap is not overfitting', () => {
    const h = epochs([
      [1.5, 0.5, 1.4, 0.5],
      [1.3, 0.55, 1.2, 0.55],
      [1.2, 0.57, 1.4, 0.56],
      [1.1, 0.58, 1.5, 0.56],
    ]);
    expect(kinds(h)).not.toContain('overfitting');
  });

  it('one class predicted for most test images is a dead output; a spread of predictions is not', () => {
    const dead = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (j === 3 ? 90 : i === j ? 10 : 0)));
    const found = diagnose([], dead);
    expect(found.map((d) => d.kind)).toEqual(['dead-output']);
    expect(found[0].message).toContain('class 3');
    expect(kinds([], recorded('model3').confusion)).toEqual([]);
  });

  it('malformed confusion matrices and empty histories give no hint and no error', () => {
    expect(diagnose([], 'nonsense')).toEqual([]);
    expect(diagnose([], [[1, 'x']])).toEqual([]);
    expect(diagnose([], [])).toEqual([]);
  });

  it('links the first lesson step the course has', () => {
    const steps = new Map([
      ['pooling-and-dropout', 'b'],
      ['overfitting', 'a'],
    ]);
    expect(lessonStepFor('overfitting', steps)).toBe('a');
    expect(lessonStepFor('underfitting', steps)).toBe('b');
    expect(lessonStepFor('dead-output', steps)).toBeNull();
  });
});
