import { nice, tickStep, ticks } from 'd3-array';

/**
 * Axes of the small SVG charts (lesson figures, live training, results): readable ticks on both axes and the values
 * shown beside them. Pure, so the page and its tests agree on what a chart shows.
 */

export type TChartUnit = 'percent' | 'plain';

/** About `count` round values from min to max (both ends included when they are round themselves), d3's choice. */
export function valueTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  return ticks(min, max, count);
}

/**
 * Whole epochs from 1 to maxEpoch: every epoch for short runs, otherwise epoch 1 and round steps (5, 10, …) up to
 * maxEpoch, the last always shown.
 */
export function epochTicks(maxEpoch: number): number[] {
  const last = Math.max(1, Math.floor(maxEpoch));
  if (last <= 12) return Array.from({ length: last }, (_, i) => i + 1);
  const step = Math.max(1, tickStep(0, last, 6));
  const round = ticks(0, last, 6).filter((t) => Number.isInteger(t) && t - 1 >= step / 2);
  const out = [1, ...round];
  if (out[out.length - 1] !== last) {
    // The last epoch replaces a round tick too close to it.
    if (last - out[out.length - 1]! < step / 2) out.pop();
    out.push(last);
  }
  return out;
}

/** A value as the chart shows it: percent without decimals on an axis, with one in a readout; loss with 2 decimals. */
export function formatValue(unit: TChartUnit, v: number, precise = false): string {
  if (unit === 'percent') return `${(v * 100).toFixed(precise ? 1 : 0)}%`;
  return v.toFixed(precise ? 3 : 2);
}

/** The tick labels of a value axis: as few decimals as tell the ticks apart. */
export function tickLabels(unit: TChartUnit, values: readonly number[]): string[] {
  if (unit === 'percent') return values.map((v) => formatValue('percent', v));
  const decimals = Math.min(3, Math.max(0, ...values.map((v) => (String(Number(v.toFixed(6))).split('.')[1] ?? '').length)));
  return values.map((v) => v.toFixed(decimals));
}

/** The epoch under a pointer at `x` of a plot `width` wide (x over 1..maxEpoch), snapped to the nearest one drawn. */
export function nearestEpoch(x: number, width: number, maxEpoch: number, epochs: readonly number[]): number | null {
  if (epochs.length === 0) return null;
  const at = 1 + (Math.min(Math.max(x, 0), width) / (width || 1)) * Math.max(maxEpoch - 1, 1);
  return epochs.reduce((best, e) => (Math.abs(e - at) < Math.abs(best - at) ? e : best), epochs[0]!);
}

/** A round top for a value axis that starts at 0 (e.g. loss 2.37 → 2.5), so the top tick is labelled. */
export function niceTop(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  return nice(0, max, count)[1];
}
