import { blues, hex } from './colormap';
import { PlotInputError } from './errors';
import { finish } from './render';
import { line, rect, svgDocument, text, el } from './svg';
import { fitText, textWidth } from './text-metrics';
import type { PlotResult } from './types';
import { describe, requireArray, requireClassNames } from './validate';

export interface ConfusionMatrixInput {
  /** matrix[actual][predicted] = count. */
  matrix: readonly (readonly number[])[];
  classNames: readonly string[];
}

export interface ConfusionMatrixData {
  classNames: string[];
  matrix: number[][];
  total: number;
  correct: number;
  /** correct / total; null when the matrix is all zeros. */
  accuracy: number | null;
  /** Per actual class: diagonal / row sum (recall); null for a class with no images. */
  perClassAccuracy: (number | null)[];
  layout: { width: number; height: number; grid: { left: number; top: number; cell: number } };
}

const LABEL_SIZE = 12;
const MAX_LABEL = 120;
const GRID_MAX = 560;

function validate(input: ConfusionMatrixInput): { classNames: readonly string[]; matrix: number[][] } {
  if (typeof input !== 'object' || input === null) throw new PlotInputError('input', `expected an object, got ${describe(input)}`);
  const classNames = requireClassNames(input.classNames);
  const rows = requireArray(input.matrix, 'matrix');
  if (rows.length !== classNames.length) {
    throw new PlotInputError('matrix', `expected ${classNames.length} rows (one per class), got ${rows.length}`);
  }
  const matrix = rows.map((row, i) => {
    const cells = requireArray(row, `matrix[${i}]`);
    if (cells.length !== classNames.length) {
      throw new PlotInputError(`matrix[${i}]`, `expected ${classNames.length} columns (one per class), got ${cells.length}`);
    }
    return cells.map((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new PlotInputError(`matrix[${i}][${j}]`, `expected a count ≥ 0, got ${describe(v)}`);
      }
      return v;
    });
  });
  return { classNames, matrix };
}

function formatCount(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** Heatmap of counts (rows = actual class, columns = predicted class) with the count written in each cell. */
export function confusionMatrixPlot(input: ConfusionMatrixInput): PlotResult<ConfusionMatrixData> {
  const { classNames, matrix } = validate(input);
  const k = classNames.length;
  const cell = Math.max(14, Math.min(56, Math.floor(GRID_MAX / k)));
  const labelSize = Math.min(LABEL_SIZE, Math.max(8, cell * 0.7));
  const labels = classNames.map((name) => fitText(name, labelSize, MAX_LABEL));
  const labelWidth = Math.max(...labels.map((l) => textWidth(l, labelSize)));
  // Column labels are turned 45° while cells are roomy, upright (90°) when they are too narrow for slanted text.
  const slanted = cell >= 30;
  const gridSize = cell * k;
  const bottomLabels = (slanted ? labelWidth * 0.71 : labelWidth) + 16;
  const contentWidth = 40 + labelWidth + 12 + gridSize + 24 + 16 + 50;
  const width = Math.max(640, contentWidth);
  // Centre the matrix in the figure when it is narrower than the minimum width.
  const left = (width - contentWidth) / 2 + 40 + labelWidth + 12;
  const top = 60;
  const colorbarX = left + gridSize + 24;
  const height = top + gridSize + bottomLabels + 46;
  const max = Math.max(0, ...matrix.flat());
  const parts: string[] = [text(width / 2, 34, 'Confusion matrix', { anchor: 'middle', size: 18, weight: 'bold' })];
  const countSize = Math.max(8, Math.min(13, cell * 0.3));
  matrix.forEach((row, i) =>
    row.forEach((v, j) => {
      const t = max > 0 ? v / max : 0;
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(rect(x, y, cell, cell, { fill: hex(blues(t)), 'shape-rendering': 'crispEdges' }));
      const label = formatCount(v);
      if (textWidth(label, countSize) <= cell - 2) {
        parts.push(text(x + cell / 2, y + cell / 2, label, { anchor: 'middle', baseline: 'middle', size: countSize, fill: t > 0.55 ? '#ffffff' : '#222222' }));
      }
    }),
  );
  parts.push(rect(left, top, gridSize, gridSize, { fill: 'none', stroke: '#222222', 'shape-rendering': 'crispEdges' }));
  labels.forEach((label, i) => {
    const c = i * cell + cell / 2;
    parts.push(text(left - 6, top + c, label, { anchor: 'end', baseline: 'middle', size: labelSize }));
    parts.push(line(left + c, top + gridSize, left + c, top + gridSize + 4, { stroke: '#222222' }));
    parts.push(
      slanted
        ? text(left + c + 4, top + gridSize + 12, label, { anchor: 'end', size: labelSize, rotate: -45, baseline: 'middle' })
        : text(left + c, top + gridSize + 8, label, { anchor: 'end', size: labelSize, rotate: -90, baseline: 'middle' }),
    );
  });
  parts.push(text(left + gridSize / 2, top + gridSize + bottomLabels + 28, 'Predicted', { anchor: 'middle', size: 14 }));
  parts.push(text(left - labelWidth - 30, top + gridSize / 2, 'Actual', { anchor: 'middle', size: 14, rotate: -90 }));
  // Colour bar: the scale from 0 to the largest count.
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => el('stop', { offset: `${t * 100}%`, 'stop-color': hex(blues(1 - t)) })).join('');
  parts.push(el('linearGradient', { id: 'confusion-matrix-scale', x1: 0, y1: 0, x2: 0, y2: 1 }, stops));
  parts.push(rect(colorbarX, top, 16, gridSize, { fill: 'url(#confusion-matrix-scale)', stroke: '#222222' }));
  parts.push(text(colorbarX + 22, top, formatCount(max), { size: 11, baseline: 'hanging' }));
  parts.push(text(colorbarX + 22, top + gridSize, '0', { size: 11 }));
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((a, row, i) => a + row[i]!, 0);
  const perClassAccuracy = matrix.map((row, i) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return sum > 0 ? row[i]! / sum : null;
  });
  return finish(svgDocument(width, height, parts.join('')), {
    classNames: [...classNames],
    matrix,
    total,
    correct,
    accuracy: total > 0 ? correct / total : null,
    perClassAccuracy,
    layout: { width, height, grid: { left, top, cell } },
  });
}
