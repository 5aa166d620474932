import { describe, expect, it } from 'vitest';
import { curveSeries, mergeEpochs, polylinePoints } from './curves';

const ep = (attempt: number, epoch: number, accuracy: number, valAccuracy: number | null = null) => ({
  attempt,
  epoch,
  loss: 1 - accuracy,
  accuracy,
  valLoss: valAccuracy === null ? null : 1 - valAccuracy,
  valAccuracy,
  seconds: 1,
});

describe('mergeEpochs', () => {
  it('keeps one entry per epoch of the latest attempt, in order (a retried attempt replaces the failed one)', () => {
    const merged = mergeEpochs([ep(1, 1, 0.1), ep(1, 2, 0.2)], [ep(2, 1, 0.3), ep(2, 1, 0.35), ep(1, 3, 0.4)]);
    expect(merged.map((e) => [e.attempt, e.epoch, e.accuracy])).toEqual([[2, 1, 0.35]]);
    expect(mergeEpochs([ep(1, 2, 0.2)], [ep(1, 1, 0.1)]).map((e) => e.epoch)).toEqual([1, 2]);
  });
  it("drops an interrupted attempt's epochs as soon as the status says a newer attempt runs", () => {
    expect(mergeEpochs([ep(1, 1, 0.1), ep(1, 2, 0.2)], [], 2)).toEqual([]);
    expect(mergeEpochs([ep(1, 1, 0.1)], [ep(2, 1, 0.3)], 2).map((e) => [e.attempt, e.epoch])).toEqual([[2, 1]]);
    expect(mergeEpochs([ep(1, 1, 0.1)], [], 1).map((e) => [e.attempt, e.epoch])).toEqual([[1, 1]]);
  });
});

describe('curveSeries', () => {
  it("marks each series with its role, so it is drawn in the lesson's convention (training red dots, validation blue line)", () => {
    expect(curveSeries([ep(1, 1, 0.5, 0.4)]).accuracy.map((s) => [s.role, s.label])).toEqual([
      ['training', 'Training'],
      ['validation', 'Validation'],
    ]);
  });
  it('omits the validation series when no epoch has validation numbers', () => {
    expect(curveSeries([ep(1, 1, 0.5)]).accuracy.map((s) => s.label)).toEqual(['Training']);
    expect(curveSeries([ep(1, 1, 0.5, 0.4)]).loss.map((s) => s.label)).toEqual(['Training', 'Validation']);
  });
});

describe('polylinePoints', () => {
  it('scales the first epoch to the left edge and the top value to the top', () => {
    expect(
      polylinePoints(
        [
          [1, 0],
          [3, 1],
        ],
        3,
        0,
        1,
        100,
        50,
      ),
    ).toBe('0.0,50.0 100.0,0.0');
  });
});
