import { describe, expect, it } from 'vitest';
import { confusionMatrixPlot } from './confusion-matrix';
import { CIFAR10_CLASSES, fakeConfusionMatrix } from './fake-data';
import { decodePng, isWhite } from './png-pixels';

describe('confusionMatrixPlot', () => {
  const matrix = fakeConfusionMatrix();
  const plot = confusionMatrixPlot({ matrix, classNames: CIFAR10_CLASSES });
  const px = decodePng(plot.png);
  const { grid } = plot.data.layout;
  // Sample near a cell's corner, away from the count written in its middle.
  const cellColour = (i: number, j: number) => px.at(grid.left + j * grid.cell + 4, grid.top + i * grid.cell + 4);
  const lightness = (i: number, j: number) => cellColour(i, j).reduce((a, b) => a + b, 0);

  it('draws a titled white figure with labelled axes and class names', () => {
    expect(px.width).toBeGreaterThanOrEqual(640);
    expect(px.width).toBeLessThanOrEqual(900);
    expect(isWhite(px.at(2, 2))).toBe(true);
    for (const label of ['Confusion matrix', 'Predicted', 'Actual', ...CIFAR10_CLASSES]) expect(plot.svg).toContain(`>${label}</text>`);
  });

  it('makes the cell with the largest count the darkest, and an empty cell the lightest', () => {
    const cells = matrix.flatMap((row, i) => row.map((v, j) => ({ i, j, v, light: lightness(i, j) })));
    const largest = cells.reduce((a, b) => (b.v > a.v ? b : a));
    const darkest = cells.reduce((a, b) => (b.light < a.light ? b : a));
    expect([darkest.i, darkest.j]).toEqual([largest.i, largest.j]);
    const zero = cells.find((c) => c.v === 0)!;
    expect(zero.light).toBe(Math.max(...cells.map((c) => c.light)));
  });

  it('writes the count in each cell', () => {
    for (const v of [matrix[0]![0]!, matrix[3]![5]!]) expect(plot.svg).toContain(`>${v}</text>`);
    // The diagonal cell's count is white on dark blue: white pixels inside a dark cell.
    const c = { x: grid.left + 0.25 * grid.cell, y: grid.top + 0.3 * grid.cell, width: grid.cell / 2, height: grid.cell * 0.4 };
    expect(px.count(c, (p) => p[0] > 230 && p[1] > 230 && p[2] > 230)).toBeGreaterThan(5);
  });

  it('returns the counts and accuracies behind the plot, JSON-safe', () => {
    const total = matrix.flat().reduce((a, b) => a + b, 0);
    const correct = matrix.reduce((a, row, i) => a + row[i]!, 0);
    expect(plot.data.matrix).toEqual(matrix);
    expect(plot.data.total).toBe(total);
    expect(plot.data.accuracy).toBeCloseTo(correct / total);
    expect(plot.data.perClassAccuracy[2]).toBeCloseTo(matrix[2]![2]! / matrix[2]!.reduce((a, b) => a + b, 0));
    expect(JSON.parse(JSON.stringify(plot.data))).toEqual(plot.data);
  });

  it('handles an all-zero matrix, a class with no images and long class names', () => {
    const zero = confusionMatrixPlot({
      matrix: [
        [0, 0],
        [0, 0],
      ],
      classNames: ['a', 'b'],
    });
    expect(zero.data.accuracy).toBeNull();
    expect(zero.data.perClassAccuracy).toEqual([null, null]);
    const long = confusionMatrixPlot({
      matrix: [
        [5, 1],
        [0, 0],
      ],
      classNames: ['a class name far too long to fit beside the grid', 'b'],
    });
    expect(long.svg).toContain('…');
    expect(long.data.perClassAccuracy).toEqual([5 / 6, null]);
    expect(decodePng(long.png).width).toBeLessThanOrEqual(900);
  });

  it('turns column labels upright when many classes make the cells narrow', () => {
    const k = 40;
    const many = confusionMatrixPlot({
      matrix: Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 50 : 1))),
      classNames: Array.from({ length: k }, (_, i) => `class ${i}`),
    });
    expect(many.svg).toContain('rotate(-90');
    expect(plot.svg).toContain('rotate(-45');
    const p = decodePng(many.png);
    expect(p.width).toBeLessThanOrEqual(900);
    expect(many.data.layout.grid.cell * k).toBeLessThanOrEqual(560);
  });

  it('refuses matrices that do not match the classes, naming the entry', () => {
    expect(() => confusionMatrixPlot({ matrix: [[1, 2]], classNames: ['a', 'b'] })).toThrow(expect.objectContaining({ argument: 'matrix' }));
    expect(() => confusionMatrixPlot({ matrix: [[1, 2], [3]], classNames: ['a', 'b'] })).toThrow(expect.objectContaining({ argument: 'matrix[1]' }));
    expect(() =>
      confusionMatrixPlot({
        matrix: [
          [1, -2],
          [3, 4],
        ],
        classNames: ['a', 'b'],
      }),
    ).toThrow(expect.objectContaining({ argument: 'matrix[0][1]' }));
    expect(() =>
      confusionMatrixPlot({
        matrix: [
          [1, Number.NaN],
          [3, 4],
        ],
        classNames: ['a', 'b'],
      }),
    ).toThrow(expect.objectContaining({ argument: 'matrix[0][1]' }));
  });
});
