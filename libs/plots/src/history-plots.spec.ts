import { describe, expect, it } from 'vitest';
import { PlotInputError } from './errors';
import { accuracyPlot, lossPlot } from './history-plots';
import { toPixel } from './line-chart';
import { decodePng, isBlue, isRed, isWhite, type Pixels } from './png-pixels';

const history = [1, 2, 3, 4, 5, 6].map((epoch) => ({ epoch, accuracy: 0.5 + epoch * 0.07, valAccuracy: 0.2 + epoch * 0.03 }));

function near(px: Pixels, x: number, y: number, test: (rgb: [number, number, number]) => boolean, radius = 1): boolean {
  return px.count({ x: x - radius, y: y - radius, width: radius * 2 + 1, height: radius * 2 + 1 }, test) > 0;
}

describe('accuracyPlot', () => {
  const plot = accuracyPlot(history);
  const px = decodePng(plot.png);
  const { layout } = plot.data;

  it('draws a lesson-sized figure on a white background, 0–1 on y', () => {
    expect(px.width).toBe(800);
    expect(px.height).toBe(layout.height);
    expect(layout.yDomain).toEqual([0, 1]);
    for (const [x, y] of [
      [2, 2],
      [px.width - 3, 2],
      [2, px.height - 3],
      [px.width - 3, px.height - 3],
    ] as const)
      expect(isWhite(px.at(x, y))).toBe(true);
  });

  it('draws training accuracy as red dots and validation as a blue line at the epochs', () => {
    for (const h of history) {
      const dot = toPixel(layout, h.epoch, h.accuracy);
      expect(isRed(px.at(dot.px, dot.py))).toBe(true);
      const val = toPixel(layout, h.epoch, h.valAccuracy);
      expect(near(px, val.px, val.py, isBlue)).toBe(true);
    }
    // Half way between two epochs the line is there, but no dot.
    const mid = toPixel(layout, 2.5, (history[1]!.valAccuracy + history[2]!.valAccuracy) / 2);
    expect(near(px, mid.px, mid.py, isBlue)).toBe(true);
    const midTrain = toPixel(layout, 2.5, (history[1]!.accuracy + history[2]!.accuracy) / 2);
    expect(near(px, midTrain.px, midTrain.py, isRed, 2)).toBe(false);
  });

  it('maps epoch 1 and the last epoch inside the frame, accuracy 0 and 1 to its bottom and top', () => {
    const p = layout.plotArea;
    expect(toPixel(layout, 1, 0).px).toBeGreaterThan(p.left);
    expect(toPixel(layout, 6, 0).px).toBeLessThan(p.left + p.width);
    expect(toPixel(layout, 1, 0).py).toBeCloseTo(p.top + p.height);
    expect(toPixel(layout, 1, 1).py).toBeCloseTo(p.top);
    // The frame itself is drawn dark along the plot area's left edge.
    expect(px.count({ x: p.left - 1, y: p.top + p.height / 2, width: 3, height: 1 }, ([r, g, b]) => r + g + b < 150)).toBeGreaterThan(0);
  });

  it('has the lesson title, axis labels and legend', () => {
    for (const label of ['Training and validation accuracy', 'Epochs', 'Accuracy', 'Training acc', 'Validation acc'])
      expect(plot.svg).toContain(`>${label}</text>`);
  });

  it('returns the numbers behind the plot, JSON-safe', () => {
    expect(plot.data.epochs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(plot.data.training).toEqual(history.map((h) => h.accuracy));
    expect(plot.data.validation).toEqual(history.map((h) => h.valAccuracy));
    expect(JSON.parse(JSON.stringify(plot.data))).toEqual(plot.data);
  });

  it('says "no epochs" for an empty history', () => {
    const empty = accuracyPlot([]);
    expect(empty.svg).toContain('No epochs to plot');
    expect(empty.data.epochs).toEqual([]);
    const e = decodePng(empty.png);
    const p = empty.data.layout.plotArea;
    expect(e.count({ x: p.left + p.width / 2 - 60, y: p.top + p.height / 2 - 10, width: 120, height: 20 }, (c) => !isWhite(c) && c[0] < 200)).toBeGreaterThan(
      20,
    );
  });

  it('draws a single epoch in the middle of the x axis', () => {
    const one = accuracyPlot([{ epoch: 1, accuracy: 0.4, valAccuracy: 0.35 }]);
    const { px: x, py } = toPixel(one.data.layout, 1, 0.4);
    const p = one.data.layout.plotArea;
    expect(x).toBeCloseTo(p.left + p.width / 2);
    expect(isRed(decodePng(one.png).at(x, py))).toBe(true);
    // A one-point validation "line" still shows as a blue mark.
    const v = toPixel(one.data.layout, 1, 0.35);
    expect(near(decodePng(one.png), v.px, v.py, isBlue)).toBe(true);
  });

  it('leaves gaps for null validation values', () => {
    const gappy = accuracyPlot(history.map((h) => ({ ...h, valAccuracy: h.epoch >= 3 && h.epoch <= 4 ? null : h.valAccuracy })));
    expect(gappy.data.validation).toEqual([0.23, 0.26, null, null, 0.35, 0.38].map((v) => (v === null ? null : expect.closeTo(v, 10))));
    const gap = toPixel(gappy.data.layout, 3.5, 0.2 + 3.5 * 0.03);
    expect(near(decodePng(gappy.png), gap.px, gap.py, isBlue, 3)).toBe(false);
  });

  it('skips NaN and Infinity, notes them, and keeps the data JSON-safe', () => {
    const bad = accuracyPlot([
      { epoch: 1, accuracy: 0.3, valAccuracy: 0.2 },
      { epoch: 2, accuracy: Number.NaN, valAccuracy: Number.POSITIVE_INFINITY },
      { epoch: 3, accuracy: 0.5, valAccuracy: 0.4 },
    ]);
    expect(bad.data.training).toEqual([0.3, null, 0.5]);
    expect(bad.data.validation).toEqual([0.2, null, 0.4]);
    expect(bad.data.skipped).toEqual([
      { epoch: 2, field: 'accuracy', value: 'NaN' },
      { epoch: 2, field: 'valAccuracy', value: 'Infinity' },
    ]);
    expect(bad.svg).toContain('Skipped accuracy = NaN at epoch 2');
    expect(JSON.parse(JSON.stringify(bad.data))).toEqual(bad.data);
    expect(bad.data.layout.height).toBeGreaterThan(accuracyPlot(history).data.layout.height);
  });

  it('sorts epochs given out of order', () => {
    const shuffled = accuracyPlot([history[2]!, history[0]!, history[1]!]);
    expect(shuffled.data.epochs).toEqual([1, 2, 3]);
  });

  it('refuses duplicate epochs and non-numbers, naming the entry', () => {
    expect(() => accuracyPlot([history[0]!, history[0]!])).toThrow(PlotInputError);
    expect(() => accuracyPlot([history[0]!, history[0]!])).toThrow(/history\[1\]\.epoch/);
    const wrong = [{ epoch: 1, accuracy: '0.5', valAccuracy: null }] as unknown as Parameters<typeof accuracyPlot>[0];
    expect(() => accuracyPlot(wrong)).toThrow(expect.objectContaining({ argument: 'history[0].accuracy' }));
    expect(() => accuracyPlot(null as unknown as [])).toThrow(expect.objectContaining({ argument: 'history' }));
  });
});

describe('lossPlot', () => {
  const losses = [1, 2, 3, 4].map((epoch) => ({ epoch, loss: 2.4 / epoch, valLoss: 2.6 / epoch + 0.3 }));
  const plot = lossPlot(losses);

  it('fits the y axis from 0 to above the largest loss and draws dots and line where the values are', () => {
    expect(plot.data.layout.yDomain[0]).toBe(0);
    expect(plot.data.layout.yDomain[1]).toBeGreaterThanOrEqual(2.9);
    const px = decodePng(plot.png);
    for (const l of losses) {
      const dot = toPixel(plot.data.layout, l.epoch, l.loss);
      expect(isRed(px.at(dot.px, dot.py))).toBe(true);
      const val = toPixel(plot.data.layout, l.epoch, l.valLoss);
      expect(near(px, val.px, val.py, isBlue)).toBe(true);
    }
    for (const label of ['Training and validation loss', 'Loss', 'Epochs', 'Training loss', 'Validation loss']) expect(plot.svg).toContain(`>${label}</text>`);
  });

  it('plots a history whose values are all NaN without throwing', () => {
    const nan = lossPlot([{ epoch: 1, loss: Number.NaN, valLoss: null }]);
    expect(nan.data.training).toEqual([null]);
    expect(nan.svg).toContain('No finite values to plot');
    expect(decodePng(nan.png).width).toBe(800);
  });
});
