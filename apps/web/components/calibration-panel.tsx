'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { TCalibrationState, TCalibrationView } from '@epoch/contracts';
import { postJson } from '../lib/browser-api';
import { calibrationSeedsLeft, percent } from '../lib/policy-text';
import { RefreshEvery } from './refresh-every';

/** The select's value for the reference solution (variant names are lower-case words joined by hyphens). */
const REFERENCE = '';

/** One row of the distributions table: the reference solution or a wrong variant, with its latest calibration. */
function DistributionRow({ variant, note, calibration }: { variant: string | null; note: string | null; calibration: TCalibrationView | null }) {
  const d = calibration?.distribution ?? null;
  const wrong = variant !== null;
  // For the reference solution failing seeds are the problem, for a wrong variant passing ones.
  const problems = calibration ? (wrong ? calibration.passing : calibration.failing) : 0;
  return (
    <tr>
      <th scope="row">
        {wrong ? <code>{variant}</code> : 'reference solution'}
        {wrong && <div className="muted small">wrong variant{note ? `: ${note}` : ''}</div>}
      </th>
      {!calibration || !d ? (
        <td colSpan={6} className="muted">
          {calibration ? `${calibration.seeds} seeds queued, none trained yet` : 'not calibrated yet'}
        </td>
      ) : (
        <>
          <td className="num">
            {calibration.done} of {calibration.seeds}
          </td>
          <td className="num">{percent(d.min)}</td>
          <td className="num">{percent(d.p5)}</td>
          <td className="num">{percent(d.median)}</td>
          <td className="num">{percent(d.max)}</td>
          <td className={`num ${problems > 0 ? 'error-text' : 'ok-text'}`}>
            {problems} of {calibration.done} {wrong ? 'pass' : 'fail'}
          </td>
        </>
      )}
    </tr>
  );
}

/**
 * The pass mark's calibration on the policy page: the reference solution's test accuracy over the seeds trained so
 * far (min, 5th percentile, median, max, every seed) and how many fail the current mark; beside it each wrong variant
 * the exercise lists (calibrationVariants) and how many of its seeds pass; the suggested mark that weighs both; and the
 * button that starts a new calibration of either on the graders (lowest priority).
 */
export function CalibrationPanel({ course, slug, state, csrfToken }: { course: string; slug: string; state: TCalibrationState; csrfToken: string }) {
  const router = useRouter();
  const [seeds, setSeeds] = useState('10');
  const [target, setTarget] = useState(REFERENCE);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const calibration = state.calibration;
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await postJson<TCalibrationState>(
        `/api/courses/${encodeURIComponent(course)}/exercises/${encodeURIComponent(slug)}/calibration`,
        { seeds: Number(seeds), ...(target === REFERENCE ? {} : { variant: target }) },
        { csrfToken },
      );
      router.refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const anyTrained = [calibration, ...state.variants.map((v) => v.calibration)].some((c) => c?.distribution);
  const passMark = calibration?.passMark ?? state.variants.find((v) => v.calibration)?.calibration?.passMark ?? null;
  const left = calibrationSeedsLeft(state);
  const rows = [
    { key: 'reference', label: 'reference solution', calibration },
    ...state.variants.map((v) => ({ key: v.name, label: `wrong variant '${v.name}'`, calibration: v.calibration })),
  ];
  return (
    <section className="card" aria-labelledby="calibration-title" data-testid="calibration">
      <h2 id="calibration-title">Calibration of the pass mark</h2>
      <p className="muted">
        Test accuracy varies from seed to seed. A calibration trains the exercise&apos;s reference solution with several seeds on the graders, below every
        student&apos;s run, and shows how its accuracy spreads around the pass mark.
        {state.variants.length > 0 &&
          ' The wrong variants the exercise lists (calibrationVariants in its exercise.yaml) are trained the same way: the mark should fail them.'}
      </p>
      {calibration ? <p data-testid="calibration-summary">{calibration.summary}</p> : <p>This exercise has not been calibrated yet.</p>}
      {left > 0 && (
        <p className="muted" data-testid="calibration-training">
          {left} {left === 1 ? 'seed is' : 'seeds are'} still queued or training (below every student&apos;s run); this panel updates every 30 s.
          <RefreshEvery seconds={30} />
        </p>
      )}
      {(anyTrained || state.variants.length > 0) && (
        <div className="table-scroll">
          <table className="per-class calibration-table">
            <caption className="visually-hidden">Test accuracy over the seeds of the reference solution and of each wrong variant</caption>
            <thead>
              <tr>
                <th scope="col">trained</th>
                <th scope="col">seeds trained</th>
                <th scope="col">lowest</th>
                <th scope="col">5th percentile</th>
                <th scope="col">median</th>
                <th scope="col">highest</th>
                <th scope="col">{passMark !== null ? `at ${percent(passMark)}` : 'at the pass mark'}</th>
              </tr>
            </thead>
            <tbody>
              <DistributionRow variant={null} note={null} calibration={calibration} />
              {state.variants.map((v) => (
                <DistributionRow key={v.name} variant={v.name} note={v.description ?? v.file} calibration={v.calibration} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {state.variants.some((v) => v.calibration) && (
        <ul className="calibration-variants" data-testid="calibration-variants">
          {state.variants.flatMap((v) => (v.calibration ? [<li key={v.name}>{v.calibration.summary}</li>] : []))}
        </ul>
      )}
      {state.suggestion && (
        <p className={`policy-change${state.suggestion.separates ? '' : ' warn'}`} data-testid="calibration-suggestion">
          {state.suggestion.summary}
        </p>
      )}
      {!state.suggestion && calibration?.distribution && state.variants.length > 0 && (
        <p className="muted">Calibrate the wrong variants to see whether the suggested mark fails them.</p>
      )}
      {anyTrained && (
        <details>
          <summary>Every seed</summary>
          {rows.map((r) =>
            r.calibration ? (
              <div key={r.key}>
                <h3 className="small">{r.label}</h3>
                <ul className="calibration-runs">
                  {r.calibration.runs.map((run) => (
                    <li key={run.seed}>
                      seed {run.seed}: {run.testAccuracy !== null ? percent(run.testAccuracy) : run.status.toLowerCase()}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null,
          )}
        </details>
      )}
      <div className="actions">
        {state.variants.length > 0 && (
          <>
            <label htmlFor="calibration-target">Train</label>
            <select id="calibration-target" value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value={REFERENCE}>the reference solution</option>
              {state.variants.map((v) => (
                <option key={v.name} value={v.name}>
                  wrong variant &apos;{v.name}&apos;
                </option>
              ))}
            </select>
          </>
        )}
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
