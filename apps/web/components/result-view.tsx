import type { TResultView } from '@epoch/contracts';
import { curveSeries } from '../lib/curves';
import { percent } from '../lib/policy-text';
import { CurveChart } from './curve-chart';

const CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Per-class accuracy as [class, accuracy] pairs from whatever shape the grader stored (array or name map). */
function perClass(v: unknown): [string, number][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => (typeof x === 'number' ? [[CLASS_NAMES[i] ?? `class ${i}`, x] as [string, number]] : []));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => (typeof x === 'number' ? [[k, x] as [string, number]] : []));
  return [];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function ResultView({ result, threshold }: { result: TResultView; threshold: number }) {
  const last = result.history[result.history.length - 1];
  const gap = last && last.valAccuracy !== null ? last.accuracy - last.valAccuracy : null;
  const { accuracy, loss } = curveSeries(result.history);
  const maxEpoch = Math.max(result.history.length, 2);
  const maxLoss = Math.max(1, ...result.history.flatMap((e) => [e.loss, e.valLoss ?? 0]));
  const classes = perClass(result.perClassAccuracy);
  const images = result.artifacts.filter((a) => a.contentType.startsWith('image/'));
  return (
    <section className="card" aria-labelledby="result-title" data-testid="result">
      <h2 id="result-title">Result</h2>
      {result.resultHidden ? (
        <p className="verdict verdict-neutral">
          Graded. The result is shown after the deadline{result.visibleFrom ? ` (${new Date(result.visibleFrom).toUTCString()})` : ''}.
        </p>
      ) : (
        <p className={`verdict verdict-${result.passed ? 'pass' : 'fail'}`} data-testid="verdict">
          {result.passed ? 'Passed' : 'Not passed'}: test accuracy {result.testAccuracy !== null ? percent(result.testAccuracy) : '—'}, the pass mark is{' '}
          {percent(threshold)}.
        </p>
      )}
      {gap !== null && gap > 0.1 && (
        <p className="hint" role="note">
          Training accuracy is {percent(gap)} above validation accuracy: the model is overfitting. Dropout, pooling or fewer epochs may help.
        </p>
      )}
      <p className="muted">
        Trained on {result.backend} in {seconds(result.durations.trainingMs)} (evaluation {seconds(result.durations.evaluationMs)}, waited{' '}
        {seconds(result.durations.queueWaitMs)} in the queue), seed {result.seed}.
        {result.reusedFrom && <> Identical to an earlier submission, so its result was reused.</>}
      </p>
      {result.history.length > 0 && (
        <div className="charts">
          <CurveChart title="Accuracy" series={accuracy} maxEpoch={maxEpoch} yMin={0} yMax={1} format={(v) => `${Math.round(v * 100)}%`} />
          <CurveChart title="Loss" series={loss} maxEpoch={maxEpoch} yMin={0} yMax={Math.ceil(maxLoss * 10) / 10} format={(v) => v.toFixed(2)} />
        </div>
      )}
      {classes.length > 0 && (
        <div className="table-scroll">
          <table className="per-class">
            <caption>Test accuracy per class</caption>
            <thead>
              <tr>
                {classes.map(([c]) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {classes.map(([c, a]) => (
                  <td key={c} className="num">
                    {percent(a, 0)}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
      )}
      {images.length > 0 && (
        <div className="plots">
          {images.map((a) => (
            <figure key={a.name} className="plot">
              <img src={a.url} alt={`${a.kind}: ${a.name}`} loading="lazy" />
              <figcaption>{a.name.replace(/\.[a-z]+$/, '').replace(/[-_]/g, ' ')}</figcaption>
            </figure>
          ))}
        </div>
      )}
    </section>
  );
}
