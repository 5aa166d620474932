import type { TClassResults } from '@epoch/contracts';

/** Students' best test accuracy in ten bins, as SVG bars, with the pass mark drawn across. */
export function AccuracyHistogram({ bins, threshold }: { bins: TClassResults['summary']['distribution']; threshold: number }) {
  const W = 400;
  const H = 140;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const bw = W / Math.max(bins.length, 1);
  return (
    <figure className="chart histogram">
      <figcaption>Best test accuracy: students per 10% band; the dashed red line is the pass mark ({Math.round(threshold * 1000) / 10}%)</figcaption>
      <svg
        viewBox={`-10 -18 ${W + 20} ${H + 43}`}
        role="img"
        aria-label={bins.map((b) => `${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%: ${b.count}`).join(', ')}
      >
        {bins.map((b, i) => {
          const h = (b.count / max) * H;
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
        <line x1={threshold * W} x2={threshold * W} y1={-5} y2={H} stroke="#b3261e" strokeDasharray="4 3" />
        <line x1={0} x2={W} y1={H} y2={H} className="axis" />
      </svg>
    </figure>
  );
}
