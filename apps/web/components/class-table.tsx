'use client';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useRouter } from 'next/navigation';
import type { TClassResultRow, TRegradeResult } from '@epoch/contracts';
import { postJson } from '../lib/browser-api';
import { classView, passedCell, retrainMessage, type TFilter, type TSortKey } from '../lib/class-table';
import { percent } from '../lib/policy-text';
import { LocalTime } from './local-time';
import { LiveStatusCell } from './live-status-cell';

const COLUMNS: [TSortKey, string][] = [
  ['name', 'Student'],
  ['bestTestAccuracy', 'Best'],
  ['latestTestAccuracy', 'Latest'],
  ['passed', 'Passed'],
  ['attempts', 'Attempts'],
  ['lastSubmissionAt', 'Last submission'],
];

export function ClassTable({ rows, course, exercise, csrfToken }: { rows: readonly TClassResultRow[]; course: string; exercise: string; csrfToken: string }) {
  const router = useRouter();
  const [regrade, setRegrade] = useState<{ ok: boolean; text: string } | null>(null);
  const graded = rows.flatMap((r) => (r.latestSubmissionId && r.bestTestAccuracy !== null ? [r.latestSubmissionId] : []));
  const redecideAll = async () => {
    setRegrade(null);
    try {
      const r = await postJson<TRegradeResult>(
        `/api/courses/${encodeURIComponent(course)}/exercises/${encodeURIComponent(exercise)}/regrade`,
        { mode: 'redecide', submissionIds: graded },
        { csrfToken },
      );
      const reasons = [...new Set(r.skipped.map((x) => x.reason))].join('; ');
      setRegrade({
        ok: true,
        text: `Re-decided against the current pass mark: ${r.changed.length} changed, ${r.skipped.length} unchanged${reasons ? ` (${reasons})` : ''}.`,
      });
      router.refresh();
    } catch (e) {
      setRegrade({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };
  // Latest submissions chosen for re-training (by submission id).
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const retrainSelected = async () => {
    const ids = [...selected];
    setRegrade(null);
    if (
      !window.confirm(
        `Train ${ids.length === 1 ? 'this submission' : `these ${ids.length} submissions`} again from scratch? The stored result is discarded and replaced by the new one.`,
      )
    )
      return;
    try {
      const r = await postJson<TRegradeResult>(
        `/api/courses/${encodeURIComponent(course)}/exercises/${encodeURIComponent(exercise)}/regrade`,
        { mode: 'retrain', submissionIds: ids },
        { csrfToken },
      );
      setRegrade({ ok: r.changed.length > 0, text: retrainMessage(r) });
      setSelected(new Set());
      router.refresh();
    } catch (e) {
      setRegrade({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<TFilter>('all');
  const [sort, setSort] = useState<TSortKey>('name');
  const [desc, setDesc] = useState(false);
  const shown = useMemo(() => classView(rows, { query, filter, sort, desc }), [rows, query, filter, sort, desc]);
  const sortBy = (key: TSortKey) => {
    if (key === sort) setDesc(!desc);
    else {
      setSort(key);
      setDesc(key !== 'name');
    }
  };
  return (
    <>
      <div className="filters">
        <label>
          Search <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="name or email" />
        </label>
        <label>
          Show{' '}
          <select value={filter} onChange={(e) => setFilter(e.target.value as TFilter)}>
            <option value="all">everyone</option>
            <option value="passed">passed</option>
            <option value="not-passed">not passed</option>
            <option value="late">late</option>
            <option value="no-attempt">no attempt</option>
          </select>
        </label>
        <span className="muted" role="status">
          {shown.length} of {rows.length} students
        </span>
        <button
          type="button"
          disabled={graded.length === 0}
          onClick={() => {
            redecideAll().catch(() => undefined);
          }}
        >
          Re-decide latest results
        </button>
        <button
          type="button"
          disabled={selected.size === 0}
          onClick={() => {
            retrainSelected().catch(() => undefined);
          }}
        >
          Re-train selected ({selected.size})
        </button>
      </div>
      {regrade && (
        <p role="status" className={regrade.ok ? 'ok-text' : 'error-text'} data-testid="regrade-message">
          {regrade.text}
        </p>
      )}
      <div className="table-scroll">
        <table className="class-table" data-testid="class-table">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Select for re-training</span>
              </th>
              {COLUMNS.map(([key, label]) => (
                <th key={key} scope="col" aria-sort={sort === key ? (desc ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" className="sort-button" onClick={() => sortBy(key)}>
                    {label}
                    {sort === key ? (desc ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              ))}
              <th scope="col">Status</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.userId}>
                <td>
                  {r.latestSubmissionId && (
                    <input
                      type="checkbox"
                      aria-label={`Select ${r.name}'s latest submission for re-training`}
                      checked={selected.has(r.latestSubmissionId)}
                      onChange={(e) => toggle(r.latestSubmissionId!, e.target.checked)}
                    />
                  )}
                </td>
                <td>
                  {r.name}
                  <br />
                  <span className="muted small">{r.email}</span>
                </td>
                <td className="num">{r.bestTestAccuracy !== null ? percent(r.bestTestAccuracy) : '—'}</td>
                <td className="num">{r.latestTestAccuracy !== null ? percent(r.latestTestAccuracy) : '—'}</td>
                <td>
                  {(() => {
                    const cell = passedCell(r);
                    // No verdict and nothing going on: a plain dash, not a badge.
                    return cell.text === '—' ? (
                      <span className="muted" data-testid="passed-cell">
                        —
                      </span>
                    ) : (
                      <span className={`status status-${cell.tone}`} data-testid="passed-cell">
                        {cell.text}
                      </span>
                    );
                  })()}
                </td>
                <td className="num">{r.attempts}</td>
                <td>
                  {r.lastSubmissionAt ? <LocalTime iso={r.lastSubmissionAt} /> : '—'}
                  {r.late ? ' (late)' : ''}
                </td>
                <td>
                  <LiveStatusCell key={`${r.latestSubmissionId}:${r.latestStatus}`} submissionId={r.latestSubmissionId} status={r.latestStatus} />
                </td>
                <td>
                  {r.latestSubmissionId ? <Link href={`/submissions/${r.latestSubmissionId}`}>latest</Link> : '—'}
                  {r.attempts > 0 && (
                    <>
                      {' · '}
                      <Link href={`/courses/${course}/exercises/${exercise}/attempts/${r.userId}`}>all attempts</Link>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
