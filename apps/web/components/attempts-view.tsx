'use client';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import type { TStudentAttempts } from '@epoch/contracts';
import { ATTEMPT_COLORS, CIFAR10_CLASSES, defaultPair, overlaySeries, sourceDiff } from '../lib/attempts';
import { niceTop } from '../lib/chart-axes';
import { percent } from '../lib/policy-text';
import { statusLabel } from '../lib/status-text';
import { CurveChart } from './curve-chart';
import { LocalTime } from './local-time';

/**
 * Every attempt of one student at an exercise: the list (which one counts marked), and two chosen attempts side by
 * side: their curves overlaid, test and per-class accuracy, and the code diff between them.
 */
export function AttemptsView({ data }: { data: TStudentAttempts }) {
  const countedId = data.counted?.submissionId ?? null;
  const [initialA, initialB] = defaultPair(data.attempts, countedId);
  const [aId, setA] = useState(initialA);
  const [bId, setB] = useState(initialB);
  const a = data.attempts.find((x) => x.submissionId === aId) ?? null;
  const b = data.attempts.find((x) => x.submissionId === bId) ?? null;
  const pair = [a, b].filter((x): x is NonNullable<typeof x> => x !== null);
  const series = useMemo(() => overlaySeries([a, b].filter((x): x is NonNullable<typeof x> => x !== null)), [a, b]);
  const maxEpoch = Math.max(1, ...pair.flatMap((p) => p.history.map((e) => e.epoch)));
  const maxLoss = Math.max(0.1, ...pair.flatMap((p) => p.history.flatMap((e) => [e.loss, e.valLoss ?? 0])).filter((v) => Number.isFinite(v)));
  const diff = useMemo(() => (a && b ? sourceDiff(a.source, b.source) : []), [a, b]);
  const changed = diff.filter((d) => d.kind !== 'same').length;
  const picker = (label: string, value: string | null, set: (v: string) => void, color: string) => (
    <label>
      <span className="swatch swatch-line" style={{ ['--swatch' as string]: color }} /> {label}{' '}
      <select value={value ?? ''} onChange={(e) => set(e.target.value)} data-testid={`pick-${label.toLowerCase()}`}>
        {data.attempts.map((x) => (
          <option key={x.submissionId} value={x.submissionId}>
            Attempt {x.number}
            {x.testAccuracy !== null ? ` (${percent(x.testAccuracy)})` : ` (${statusLabel(x.status).text.toLowerCase()})`}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <>
      <section className="card" aria-labelledby="attempts-title">
        <h2 id="attempts-title">Attempts</h2>
        <p className="muted">
          What counts: the {data.rule === 'BEST' ? 'best' : 'latest'} graded attempt.{' '}
          {data.counted
            ? `Attempt ${data.attempts.find((x) => x.submissionId === countedId)?.number ?? '?'} counts (${data.counted.status === 'PASSED' ? 'passed' : 'not passed'}, ${percent(data.counted.score, 0)} of the marks).`
            : 'No graded attempt counts yet.'}
        </p>
        <div className="table-scroll">
          <table className="class-table" data-testid="attempts-table">
            <thead>
              <tr>
                <th scope="col">Attempt</th>
                <th scope="col">Submitted</th>
                <th scope="col">Status</th>
                <th scope="col">Test accuracy</th>
                <th scope="col">Counts</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {[...data.attempts].reverse().map((x) => {
                const s = statusLabel(x.status);
                return (
                  <tr key={x.submissionId} data-counted={x.submissionId === countedId ? 'yes' : undefined}>
                    <td>{x.number}</td>
                    <td>
                      <LocalTime iso={x.createdAt} />
                      {x.late ? ' (late)' : ''}
                    </td>
                    <td>
                      <span className={`status status-${s.tone}`}>{s.text}</span>
                    </td>
                    <td className="num">{x.testAccuracy !== null ? percent(x.testAccuracy) : '—'}</td>
                    <td>{x.submissionId === countedId ? <strong data-testid="counted-mark">counts</strong> : ''}</td>
                    <td>
                      <Link href={`/submissions/${x.submissionId}`}>open</Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      {data.attempts.length > 1 && (
        <section className="card" aria-labelledby="compare-title">
          <h2 id="compare-title">Compare two attempts</h2>
          <div className="filters">
            {picker('Left', aId, setA, ATTEMPT_COLORS[0])}
            {picker('Right', bId, setB, ATTEMPT_COLORS[1])}
          </div>
          <div className="charts" data-testid="overlaid-curves">
            <CurveChart title="Accuracy" series={series.accuracy} maxEpoch={maxEpoch} yMin={0} yMax={1} unit="percent" />
            <CurveChart title="Loss" series={series.loss} maxEpoch={maxEpoch} yMin={0} yMax={niceTop(maxLoss)} unit="plain" />
          </div>
          <table className="class-table" data-testid="per-class-compare">
            <thead>
              <tr>
                <th scope="col">Class</th>
                {pair.map((p) => (
                  <th key={p.submissionId} scope="col" className="num">
                    Attempt {p.number}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">test accuracy</th>
                {pair.map((p) => (
                  <td key={p.submissionId} className="num">
                    <strong>{p.testAccuracy !== null ? percent(p.testAccuracy) : '—'}</strong>
                  </td>
                ))}
              </tr>
              {CIFAR10_CLASSES.map((c, i) => (
                <tr key={c}>
                  <th scope="row">{c}</th>
                  {pair.map((p) => (
                    <td key={p.submissionId} className="num">
                      {p.perClassAccuracy?.[i] !== undefined ? percent(p.perClassAccuracy[i]) : '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <h3>
            Code: attempt {a?.number} → attempt {b?.number}{' '}
            <span className="muted small">({changed === 0 ? 'identical' : `${changed} changed line${changed === 1 ? '' : 's'}`})</span>
          </h3>
          <pre className="code-diff" data-testid="code-diff">
            {diff.map((d, i) => (
              <div key={i} className={`diff-${d.kind}`}>
                <span className="diff-no">{d.left ?? ''}</span>
                <span className="diff-no">{d.right ?? ''}</span>
                <span className="diff-sign">{d.kind === 'added' ? '+' : d.kind === 'removed' ? '−' : ' '}</span>
                {d.text}
              </div>
            ))}
          </pre>
        </section>
      )}
    </>
  );
}
