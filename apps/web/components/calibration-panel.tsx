'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { TCalibrationState, TCalibrationView } from '@epoch/contracts';
import { postJson } from '../lib/browser-api';
import { percent } from '../lib/policy-text';

/**
 * The pass mark's calibration on the policy page: the reference solution's test accuracy over the seeds trained so
 * far (min, 5th percentile, median, max, every seed), how many seeds fail the current mark, a suggested mark, and the
 * button that starts a new calibration on the graders (lowest priority).
 */
export function CalibrationPanel({
  course,
  slug,
  calibration,
  csrfToken,
}: {
  course: string;
  slug: string;
  calibration: TCalibrationView | null;
  csrfToken: string;
}) {
  const router = useRouter();
  const [seeds, setSeeds] = useState('10');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await postJson<TCalibrationState>(
        `/api/courses/${encodeURIComponent(course)}/exercises/${encodeURIComponent(slug)}/calibration`,
        { seeds: Number(seeds) },
        { csrfToken },
      );
      router.refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const d = calibration?.distribution ?? null;
  return (
    <section className="card" aria-labelledby="calibration-title" data-testid="calibration">
      <h2 id="calibration-title">Calibration of the pass mark</h2>
      <p className="muted">
        Test accuracy varies from seed to seed. A calibration trains the exercise&apos;s reference solution with several seeds on the graders, below every
        student&apos;s run, and shows how its accuracy spreads around the pass mark.
      </p>
      {calibration ? (
        <>
          <p data-testid="calibration-summary">{calibration.summary}</p>
          {d && (
            <div className="table-scroll">
              <table className="per-class">
                <caption className="visually-hidden">Accuracy of the reference solution over the seeds</caption>
                <thead>
                  <tr>
                    <th scope="col">seeds trained</th>
                    <th scope="col">lowest</th>
                    <th scope="col">5th percentile</th>
                    <th scope="col">median</th>
                    <th scope="col">highest</th>
                    <th scope="col">fail the mark</th>
                    <th scope="col">suggested mark</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <td className="num">
                      {calibration.done} of {calibration.seeds}
                    </td>
                    <td className="num">{percent(d.min)}</td>
                    <td className="num">{percent(d.p5)}</td>
                    <td className="num">{percent(d.median)}</td>
                    <td className="num">{percent(d.max)}</td>
                    <td className="num">{calibration.failing}</td>
                    <td className="num">{calibration.suggestedPassMark !== null ? percent(calibration.suggestedPassMark) : '—'}</td>
                  </tr>
                </tbody>
              </table>
            </div>
          )}
          <details>
            <summary>Every seed</summary>
            <ul className="calibration-runs">
              {calibration.runs.map((r) => (
                <li key={r.seed}>
                  seed {r.seed}: {r.testAccuracy !== null ? percent(r.testAccuracy) : r.status.toLowerCase()}
                </li>
              ))}
            </ul>
          </details>
        </>
      ) : (
        <p>This exercise has not been calibrated yet.</p>
      )}
      <div className="actions">
        <label htmlFor="calibration-seeds">Seeds</label>
        <input id="calibration-seeds" inputMode="numeric" value={seeds} onChange={(e) => setSeeds(e.target.value)} size={4} />
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            start().catch(() => undefined);
          }}
        >
          {busy ? 'Queuing…' : 'Calibrate'}
        </button>
      </div>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </section>
  );
}
