import type { TClassResults } from '@epoch/contracts';
import { countTicks } from '../lib/histogram';

/**
 * Students' best test accuracy in ten bins, as SVG bars with labelled axes (x: best test accuracy in %, y: number of
 * students, whole-number ticks) and the pass mark drawn across.
 */
export function AccuracyHistogram({ bins, threshold, title }: { bins: TClassResults['summary']['distribution']; threshold: number; title?: string }) {
  const W = 400;
  const H = 140;
  const ticks = countTicks(Math.max(0, ...bins.map((b) => b.count)));
  const top = ticks[ticks.length - 1] ?? 1;
  const bw = W / Math.max(bins.length, 1);
  const y = (n: number) => H - (n / top) * H;
  return (
    <figure className="chart histogram" data-testid="accuracy-histogram">
      <figcaption>
        {title ?? 'Best test accuracy'}: students per 10% band; the dashed red line is the pass mark ({Math.round(threshold * 1000) / 10}%)
      </figcaption>
      <svg
        viewBox={`-52 -18 ${W + 62} ${H + 58}`}
        role="img"
        aria-label={bins.map((b) => `${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%: ${b.count}`).join(', ')}
      >
        {ticks.map((t) => (
          <g key={`y${t}`}>
            <line x1={0} x2={W} y1={y(t)} y2={y(t)} className="grid" />
            <text x={-6} y={y(t) + 4} textAnchor="end" className="tick" data-testid="histogram-y-tick">
              {t}
            </text>
          </g>
        ))}
        <text x={-38} y={H / 2} textAnchor="middle" className="tick" transform={`rotate(-90 -38 ${H / 2})`}>
          students
        </text>
        {bins.map((b, i) => {
          const h = H - y(b.count);
          return (
            <g key={b.from}>
              <rect x={i * bw + 2} y={H - h} width={bw - 4} height={h} fill={b.from >= threshold ? '#1b7a3a' : '#9aa3b2'} />
              {b.count > 0 && (
                <text x={i * bw + bw / 2} y={H - h - 3} textAnchor="middle" className="tick">
                  {b.count}
                </text>
              )}
              <text x={i * bw + bw / 2} y={H + 14} textAnchor="middle" className="tick">
                {Math.round(b.from * 100)}–{Math.round(b.to * 100)}
              </text>
            </g>
          );
        })}
        <text x={W / 2} y={H + 32} textAnchor="middle" className="tick">
          best test accuracy (%)
        </text>
        <line x1={threshold * W} x2={threshold * W} y1={-5} y2={H} stroke="#b3261e" strokeDasharray="4 3" />
        <line x1={0} x2={W} y1={H} y2={H} className="axis" />
        <line x1={0} x2={0} y1={0} y2={H} className="axis" />
      </svg>
    </figure>
  );
}
