import { describe, expect, it } from 'vitest';
import { ATTEMPT_COLORS, defaultPair, overlaySeries, sourceDiff } from './attempts';

const epoch = (n: number, acc: number, val: number | null) => ({
  epoch: n,
  loss: 2 - acc,
  accuracy: acc,
  valLoss: val === null ? null : 2 - val,
  valAccuracy: val,
});

describe('the attempts page', () => {
  it('overlays two attempts: each its own colour, training dots and validation line, labelled by attempt', () => {
    const s = overlaySeries([
      { number: 1, history: [epoch(1, 0.3, 0.28), epoch(2, 0.4, 0.35)] },
      { number: 3, history: [epoch(1, 0.5, null)] },
    ]);
    expect(s.accuracy.map((x) => [x.label, x.role, x.color, x.points])).toEqual([
      [
        'Attempt 1 training',
        'training',
        ATTEMPT_COLORS[0],
        [
          [1, 0.3],
          [2, 0.4],
        ],
      ],
      [
        'Attempt 1 validation',
        'validation',
        ATTEMPT_COLORS[0],
        [
          [1, 0.28],
          [2, 0.35],
        ],
      ],
      ['Attempt 3 training', 'training', ATTEMPT_COLORS[1], [[1, 0.5]]],
    ]);
    expect(new Set(s.loss.map((x) => x.id)).size).toBe(3);
  });

  it('diffs two sources line by line, numbered on both sides', () => {
    expect(sourceDiff('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual([
      { kind: 'same', text: 'a', left: 1, right: 1 },
      { kind: 'removed', text: 'b', left: 2, right: null },
      { kind: 'added', text: 'B', left: null, right: 2 },
      { kind: 'same', text: 'c', left: 3, right: 3 },
      { kind: 'added', text: 'd', left: null, right: 4 },
    ]);
  });

  it('starts with the counted attempt beside the latest, else the last two', () => {
    const a = [{ submissionId: 'x' }, { submissionId: 'y' }, { submissionId: 'z' }];
    expect(defaultPair(a, 'x')).toEqual(['x', 'z']);
    expect(defaultPair(a, 'z')).toEqual(['y', 'z']);
    expect(defaultPair(a, null)).toEqual(['y', 'z']);
    expect(defaultPair(a.slice(0, 1), null)).toEqual(['x', null]);
    expect(defaultPair([], null)).toEqual([null, null]);
  });
});
