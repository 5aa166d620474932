import Link from 'next/link';
import type { TSubmissionSummary } from '@epoch/contracts';
import { statusLabel } from '../lib/status-text';
import { LocalTime } from './local-time';

export function SubmissionHistory({ items, current }: { items: readonly TSubmissionSummary[]; current?: string }) {
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">Your attempts</h2>
      {items.length === 0 ? (
        <p className="muted">No attempts yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="history" data-testid="history">
            <thead>
              <tr>
                <th scope="col">Submitted</th>
                <th scope="col">Status</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => {
                const label = statusLabel(s.status, s.kind);
                return (
                  <tr key={s.id} aria-current={s.id === current ? 'true' : undefined}>
                    <td>
                      <Link href={`/submissions/${s.id}`}>
                        <LocalTime iso={s.createdAt} />
                      </Link>
                      {s.late ? ' (late)' : ''}
                      {s.kind === 'PRACTICE' ? (
                        <>
                          {' '}
                          <span className="practice-badge">Practice</span>
                        </>
                      ) : null}
                    </td>
                    <td>
                      <span className={`status status-${label.tone}`}>{label.text}</span>
                    </td>
                    <td>{s.id === current ? 'this attempt' : <Link href={`/submissions/${s.id}`}>open</Link>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
