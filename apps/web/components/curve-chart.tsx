import type { TSeries } from '../lib/curves';
import { polylinePoints } from '../lib/curves';

const W = 320;
const H = 160;
const COLORS = ['#2f5bd3', '#d9480f'];

/** A small line chart (epochs on x) drawn as SVG, so new epochs simply extend the lines. */
export function CurveChart({
  title,
  series,
  maxEpoch,
  yMin,
  yMax,
  format,
}: {
  title: string;
  series: readonly TSeries[];
  maxEpoch: number;
  yMin: number;
  yMax: number;
  format: (v: number) => string;
}) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`-40 -10 ${W + 50} ${H + 35}`}
        role="img"
        aria-label={`${title}: ${series.map((s) => `${s.label} ${s.points.length ? format(s.points[s.points.length - 1]![1]) : 'none'}`).join(', ')}`}
      >
        <line x1={0} y1={H} x2={W} y2={H} className="axis" />
        <line x1={0} y1={0} x2={0} y2={H} className="axis" />
        <text x={-6} y={4} textAnchor="end" className="tick">
          {format(yMax)}
        </text>
        <text x={-6} y={H} textAnchor="end" className="tick">
          {format(yMin)}
        </text>
        <text x={0} y={H + 16} className="tick">
          1
        </text>
        <text x={W} y={H + 16} textAnchor="end" className="tick">
          epoch {maxEpoch}
        </text>
        {series.map((s, i) => (
          <g key={s.label} stroke={COLORS[i % COLORS.length]} fill={COLORS[i % COLORS.length]}>
            <polyline points={polylinePoints(s.points, maxEpoch, yMin, yMax, W, H)} fill="none" strokeWidth={2} strokeDasharray={i === 1 ? '6 3' : undefined} />
            {s.points.map(([x, y]) => (
              <circle key={x} r={2.5} cx={((x - 1) / Math.max(maxEpoch - 1, 1)) * W} cy={H - ((y - yMin) / (yMax - yMin || 1)) * H} />
            ))}
          </g>
        ))}
      </svg>
      <p className="legend">
        {series.map((s, i) => (
          <span key={s.label}>
            <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} /> {s.label}
          </span>
        ))}
      </p>
    </figure>
  );
}
