import { scaleLinear } from 'd3-scale';
import { el, line, n, rect, svgDocument, text } from './svg';
import { fitText, textWidth } from './text-metrics';

import { CURVE_STYLE } from '@epoch/contracts';

/** matplotlib's 'r' and 'b' format colours, as the lesson draws them (CURVE_STYLE owns them). */
export const RED = CURVE_STYLE.training.color;
export const BLUE = CURVE_STYLE.validation.color;

export interface Series {
  label: string;
  color: string;
  /** 'dots' = matplotlib 'ro'; 'line' = matplotlib 'b'. */
  style: 'dots' | 'line';
  /** y per x; null = no value at that x (the line breaks there). */
  points: { x: number; y: number | null }[];
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Fixed y range (accuracy uses 0–1); otherwise fitted to the data from 0. */
  yDomain?: [number, number];
  /** Shown centred in the plot area when there is nothing to draw. */
  emptyMessage: string;
  /** Small grey lines under the x label (e.g. which values were skipped). */
  notes: string[];
}

/** Where the plot area lies and what it spans: enough to map any data point to its pixel (tests, web tooltips). */
export interface ChartLayout {
  width: number;
  height: number;
  plotArea: { left: number; top: number; width: number; height: number };
  xDomain: [number, number];
  yDomain: [number, number];
}

export const CHART_WIDTH = 800;
const MARGIN = { left: 80, right: 30, top: 56, bottom: 70 };
const PLOT_HEIGHT = 380;
const NOTE_LINE = 16;
const MAX_NOTES = 3;

export function toPixel(layout: ChartLayout, x: number, y: number): { px: number; py: number } {
  const { plotArea: p, xDomain, yDomain } = layout;
  return {
    px: p.left + ((x - xDomain[0]) / (xDomain[1] - xDomain[0])) * p.width,
    py: p.top + p.height - ((y - yDomain[0]) / (yDomain[1] - yDomain[0])) * p.height,
  };
}

function computeLayout(spec: ChartSpec, noteLines: number): ChartLayout {
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = spec.series.flatMap((s) => s.points.flatMap((p) => (p.y === null ? [] : [p.y])));
  const xMin = xs.length ? Math.min(...xs) : 1;
  const xMax = xs.length ? Math.max(...xs) : 1;
  // matplotlib-like margins so the first and last dots are not cut by the frame; a single epoch gets ±0.5.
  const pad = xMax > xMin ? (xMax - xMin) * 0.05 : 0.5;
  let yDomain: [number, number];
  if (spec.yDomain) {
    yDomain = [Math.min(spec.yDomain[0], ...ys), Math.max(spec.yDomain[1], ...ys)];
  } else {
    const top = ys.length ? Math.max(...ys) : 1;
    const bottom = ys.length ? Math.min(0, ...ys) : 0;
    const nice = scaleLinear()
      .domain([bottom, top > bottom ? top * 1.05 : bottom + 1])
      .nice(8)
      .domain();
    yDomain = [nice[0]!, nice[1]!];
  }
  const width = CHART_WIDTH;
  return {
    width,
    height: MARGIN.top + PLOT_HEIGHT + MARGIN.bottom + noteLines * NOTE_LINE,
    plotArea: { left: MARGIN.left, top: MARGIN.top, width: width - MARGIN.left - MARGIN.right, height: PLOT_HEIGHT },
    xDomain: [xMin - pad, xMax + pad],
    yDomain,
  };
}

function axes(layout: ChartLayout, spec: ChartSpec, hasData: boolean): string {
  const p = layout.plotArea;
  const parts: string[] = [];
  const yTicks = scaleLinear().domain(layout.yDomain).ticks(10);
  const precision = Math.max(0, ...yTicks.map((t) => (String(t).split('.')[1] ?? '').length));
  for (const t of yTicks) {
    const { py } = toPixel(layout, layout.xDomain[0], t);
    parts.push(line(p.left, py, p.left + p.width, py, { stroke: '#e3e3e3', 'stroke-width': 1, 'shape-rendering': 'crispEdges' }));
    parts.push(line(p.left - 5, py, p.left, py, { stroke: '#222222', 'stroke-width': 1, 'shape-rendering': 'crispEdges' }));
    parts.push(text(p.left - 8, py, t.toFixed(Math.min(precision, 3)), { anchor: 'end', baseline: 'middle', size: 12 }));
  }
  // Epochs are whole numbers: only integer ticks, at most ~10 of them.
  const xTicks = scaleLinear()
    .domain(layout.xDomain)
    .ticks(Math.min(10, Math.max(1, Math.floor(layout.xDomain[1] - layout.xDomain[0]))))
    .filter((t) => hasData && Number.isInteger(t));
  for (const t of xTicks) {
    const { px } = toPixel(layout, t, layout.yDomain[0]);
    parts.push(line(px, p.top, px, p.top + p.height, { stroke: '#e3e3e3', 'stroke-width': 1, 'shape-rendering': 'crispEdges' }));
    parts.push(line(px, p.top + p.height, px, p.top + p.height + 5, { stroke: '#222222', 'stroke-width': 1, 'shape-rendering': 'crispEdges' }));
    parts.push(text(px, p.top + p.height + 9, String(t), { anchor: 'middle', baseline: 'hanging', size: 12 }));
  }
  parts.push(rect(p.left, p.top, p.width, p.height, { fill: 'none', stroke: '#222222', 'stroke-width': 1, 'shape-rendering': 'crispEdges' }));
  parts.push(text(layout.width / 2, 34, spec.title, { anchor: 'middle', size: 18, weight: 'bold' }));
  parts.push(text(p.left + p.width / 2, p.top + p.height + 48, spec.xLabel, { anchor: 'middle', size: 14 }));
  parts.push(text(22, p.top + p.height / 2, spec.yLabel, { anchor: 'middle', size: 14, rotate: -90 }));
  return parts.join('');
}

function dot(px: number, py: number, color: string): string {
  return el('circle', { cx: px, cy: py, r: 4, fill: color });
}

function drawSeries(layout: ChartLayout, s: Series): string {
  const pts = s.points.map((pt) => (pt.y === null ? null : toPixel(layout, pt.x, pt.y)));
  if (s.style === 'dots') return pts.map((pt) => (pt ? dot(pt.px, pt.py, s.color) : '')).join('');
  // Lines break at missing values; an isolated point still gets a dot so it is not invisible.
  const runs: { px: number; py: number }[][] = [];
  let run: { px: number; py: number }[] = [];
  for (const pt of pts) {
    if (pt) {
      run.push(pt);
    } else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs
    .map((r) =>
      r.length === 1
        ? el('circle', { cx: r[0]!.px, cy: r[0]!.py, r: 2.5, fill: s.color })
        : el('polyline', {
            points: r.map((pt) => `${n(pt.px)},${n(pt.py)}`).join(' '),
            fill: 'none',
            stroke: s.color,
            'stroke-width': 2,
            'stroke-linejoin': 'round',
          }),
    )
    .join('');
}

/** Legend in the plot corner with the fewest data points under it (matplotlib's loc='best', simplified). */
function legend(layout: ChartLayout, spec: ChartSpec): string {
  const shown = spec.series.filter((s) => s.points.some((p) => p.y !== null));
  if (!shown.length) return '';
  const p = layout.plotArea;
  const size = 13;
  const w = 46 + Math.max(...shown.map((s) => textWidth(s.label, size)));
  const h = 10 + shown.length * 22;
  const inset = 10;
  const corners = [
    { x: p.left + p.width - w - inset, y: p.top + p.height - h - inset },
    { x: p.left + p.width - w - inset, y: p.top + inset },
    { x: p.left + inset, y: p.top + p.height - h - inset },
    { x: p.left + inset, y: p.top + inset },
  ];
  const pixels = spec.series.flatMap((s) => s.points.flatMap((pt) => (pt.y === null ? [] : [toPixel(layout, pt.x, pt.y)])));
  const covered = (c: { x: number; y: number }) =>
    pixels.filter((q) => q.px >= c.x - 6 && q.px <= c.x + w + 6 && q.py >= c.y - 6 && q.py <= c.y + h + 6).length;
  const best = corners.reduce((a, b) => (covered(b) < covered(a) ? b : a));
  const parts = [rect(best.x, best.y, w, h, { fill: '#ffffff', 'fill-opacity': 0.9, stroke: '#cccccc', rx: 3 })];
  shown.forEach((s, i) => {
    const cy = best.y + 16 + i * 22;
    parts.push(s.style === 'dots' ? dot(best.x + 20, cy, s.color) : line(best.x + 8, cy, best.x + 32, cy, { stroke: s.color, 'stroke-width': 2 }));
    parts.push(text(best.x + 40, cy, s.label, { size, baseline: 'middle' }));
  });
  return parts.join('');
}

/** A lesson-style line chart (title, labelled axes with ticks and gridlines, legend) as SVG, plus its layout. */
export function lineChart(spec: ChartSpec): { svg: string; layout: ChartLayout } {
  const notes = spec.notes.length > MAX_NOTES ? [...spec.notes.slice(0, MAX_NOTES - 1), `… and ${spec.notes.length - MAX_NOTES + 1} more`] : spec.notes;
  const layout = computeLayout(spec, notes.length);
  const p = layout.plotArea;
  const hasData = spec.series.some((s) => s.points.some((pt) => pt.y !== null));
  // Named after the chart so several figures inlined in one web page do not share an id.
  const clipId = `clip-${spec.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const body = [
    axes(layout, spec, hasData),
    el('clipPath', { id: clipId }, rect(p.left - 5, p.top - 5, p.width + 10, p.height + 10)),
    el('g', { 'clip-path': `url(#${clipId})` }, spec.series.map((s) => drawSeries(layout, s)).join('')),
    hasData
      ? legend(layout, spec)
      : text(p.left + p.width / 2, p.top + p.height / 2, spec.emptyMessage, { anchor: 'middle', baseline: 'middle', size: 16, fill: '#666666' }),
    ...notes.map((note, i) =>
      text(16, MARGIN.top + PLOT_HEIGHT + MARGIN.bottom + i * NOTE_LINE + 4, fitText(note, 12, layout.width - 32), { size: 12, fill: '#666666' }),
    ),
  ].join('');
  return { svg: svgDocument(layout.width, layout.height, body), layout };
}
