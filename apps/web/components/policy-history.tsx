import type { TPolicyHistory } from '@epoch/contracts';
import { changeLines } from '../lib/policy-history';
import { LocalTime } from './local-time';

/** The policy's versions, newest first: when, who, and what each changed. */
export function PolicyHistory({ history }: { history: TPolicyHistory }) {
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">Change history</h2>
      {history.items.length === 0 ? (
        <p className="muted">No versions recorded yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="class-table history-table" data-testid="policy-history">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Changed</th>
                <th scope="col">By</th>
                <th scope="col">What changed</th>
              </tr>
            </thead>
            <tbody>
              {history.items.map((item) => {
                const lines = changeLines(item);
                return (
                  <tr key={item.version} data-version={item.version}>
                    <td className="num">{item.version}</td>
                    <td>
                      <LocalTime iso={item.changedAt} />
                    </td>
                    <td>
                      {item.changedBy ? (
                        <>
                          {item.changedBy.name}
                          <br />
                          <span className="muted small">{item.changedBy.email}</span>
                        </>
                      ) : (
                        <span className="muted">the course files (seed)</span>
                      )}
                    </td>
                    <td>
                      {item.kind === 'initial' ? (
                        <details>
                          <summary>First version ({lines.length} settings)</summary>
                          <ul className="change-list">
                            {lines.map((l) => (
                              <li key={l}>{l}</li>
                            ))}
                          </ul>
                        </details>
                      ) : lines.length ? (
                        <ul className="change-list">
                          {lines.map((l) => (
                            <li key={l}>{l}</li>
                          ))}
                        </ul>
                      ) : (
                        <span className="muted">nothing</span>
                      )}
                    </td>
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
