'use client';
import { CURVE_STYLE, type TEpochView } from '@epoch/contracts';
import { useState, type KeyboardEvent, type PointerEvent } from 'react';
import { epochTicks, formatValue, nearestEpoch, niceTop, tickLabels, valueTicks, type TChartUnit } from '../lib/chart-axes';
import { curveSeries, polylinePoints, type TSeries } from '../lib/curves';

const W = 320;
const H = 160;

/**
 * A small line chart of per-epoch values drawn as SVG (so new epochs simply extend it), in the lesson's convention:
 * training as red dots ('ro'), validation as a blue line ('b'). Ticks on both axes; pointing at (or arrowing to) an
 * epoch shows its values below the chart, which otherwise shows the last epoch's.
 */
export function CurveChart({
  title,
  series,
  maxEpoch,
  yMin,
  yMax,
  unit,
}: {
  title: string;
  series: readonly TSeries[];
  maxEpoch: number;
  yMin: number;
  yMax: number;
  unit: TChartUnit;
}) {
  const [picked, setPicked] = useState<number | null>(null);
  const epochs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const shown = picked !== null && epochs.includes(picked) ? picked : (epochs[epochs.length - 1] ?? null);
  const xSpan = Math.max(maxEpoch - 1, 1);
  const ySpan = yMax - yMin || 1;
  const px = (x: number) => ((x - 1) / xSpan) * W;
  const py = (y: number) => H - ((Math.min(Math.max(y, yMin), yMax) - yMin) / ySpan) * H;
  const yTicks = valueTicks(yMin, yMax);
  const yLabels = tickLabels(unit, yTicks);
  const valueAt = (s: TSeries, epoch: number) => s.points.find(([x]) => x === epoch)?.[1];
  const readout =
    shown === null
      ? 'No epochs yet'
      : `${picked === null ? 'Last epoch' : 'Epoch'} ${shown}: ${series
          .map((s) => {
            const v = valueAt(s, shown);
            return `${s.label.toLowerCase()} ${v === undefined ? '—' : formatValue(unit, v, true)}`;
          })
          .join(', ')}`;

  const onPointer = (e: PointerEvent<SVGRectElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    setPicked(nearestEpoch(((e.clientX - box.left) / (box.width || 1)) * W, W, maxEpoch, epochs));
  };
  const onKey = (e: KeyboardEvent<SVGSVGElement>) => {
    if (epochs.length === 0 || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight' && e.key !== 'Home' && e.key !== 'End')) return;
    e.preventDefault();
    const at = epochs.indexOf(shown ?? epochs[epochs.length - 1]!);
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? epochs.length - 1 : Math.min(epochs.length - 1, Math.max(0, at + (e.key === 'ArrowLeft' ? -1 : 1)));
    setPicked(epochs[next]!);
  };

  return (
    <figure className="chart" data-testid="curve-chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`-44 -10 ${W + 56} ${H + 48}`}
        role="img"
        tabIndex={0}
        aria-label={`${title} per epoch: ${readout}. Use the arrow keys to read other epochs.`}
        onKeyDown={onKey}
        onBlur={() => setPicked(null)}
      >
        {yTicks.map((t, i) => (
          <g key={`y${t}`}>
            <line x1={0} y1={py(t)} x2={W} y2={py(t)} className="grid" />
            <text x={-6} y={py(t) + 4} textAnchor="end" className="tick">
              {yLabels[i]}
            </text>
          </g>
        ))}
        {epochTicks(maxEpoch).map((t) => (
          <g key={`x${t}`}>
            <line x1={px(t)} y1={H} x2={px(t)} y2={H + 4} className="axis" />
            <text x={px(t)} y={H + 16} textAnchor="middle" className="tick">
              {t}
            </text>
          </g>
        ))}
        <text x={W / 2} y={H + 31} textAnchor="middle" className="tick">
          epoch
        </text>
        <line x1={0} y1={H} x2={W} y2={H} className="axis" />
        <line x1={0} y1={0} x2={0} y2={H} className="axis" />
        {shown !== null && picked !== null && <line x1={px(shown)} y1={0} x2={px(shown)} y2={H} className="guide" />}
        {series.map((s) => {
          const style = CURVE_STYLE[s.role];
          return style.marker === 'dots' ? (
            <g key={s.id ?? s.role} fill={s.color ?? style.color} data-series={s.id ?? s.role}>
              {s.points.map(([x, y]) => (
                <circle key={x} r={x === shown && picked !== null ? 4 : 2.6} cx={px(x)} cy={py(y)} />
              ))}
            </g>
          ) : (
            <g key={s.id ?? s.role} data-series={s.id ?? s.role}>
              <polyline points={polylinePoints(s.points, maxEpoch, yMin, yMax, W, H)} fill="none" stroke={s.color ?? style.color} strokeWidth={2} />
              {/* A line of one point draws nothing: mark it until the second epoch arrives. */}
              {s.points.length === 1 && (
                <line
                  x1={px(s.points[0]![0])}
                  y1={py(s.points[0]![1])}
                  x2={px(s.points[0]![0]) + 8}
                  y2={py(s.points[0]![1])}
                  stroke={s.color ?? style.color}
                  strokeWidth={2}
                />
              )}
              {shown !== null && picked !== null && valueAt(s, shown) !== undefined && (
                <circle r={3.5} cx={px(shown)} cy={py(valueAt(s, shown)!)} fill={s.color ?? style.color} />
              )}
            </g>
          );
        })}
        <rect x={0} y={0} width={W} height={H} fill="transparent" onPointerMove={onPointer} onPointerLeave={() => setPicked(null)} />
      </svg>
      <p className="legend">
        {series.map((s) => (
          <span key={s.id ?? s.role}>
            <span className={`swatch swatch-${CURVE_STYLE[s.role].marker}`} style={{ ['--swatch' as string]: s.color ?? CURVE_STYLE[s.role].color }} />{' '}
            {s.label}
          </span>
        ))}
      </p>
      <p className="chart-readout" data-testid="chart-readout">
        {readout}
      </p>
    </figure>
  );
}

/** The accuracy and loss charts of a run's epochs (live training and the result page), x up to `maxEpoch`. */
export function TrainingCharts({ epochs, maxEpoch }: { epochs: readonly TEpochView[]; maxEpoch: number }) {
  const { accuracy, loss } = curveSeries(epochs);
  const maxLoss = Math.max(0.1, ...epochs.flatMap((e) => [e.loss, e.valLoss ?? 0]).filter((v) => Number.isFinite(v)));
  return (
    <div className="charts">
      <CurveChart title="Accuracy" series={accuracy} maxEpoch={maxEpoch} yMin={0} yMax={1} unit="percent" />
      <CurveChart title="Loss" series={loss} maxEpoch={maxEpoch} yMin={0} yMax={niceTop(maxLoss)} unit="plain" />
    </div>
  );
}
