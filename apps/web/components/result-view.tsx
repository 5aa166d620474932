import type { TResultView } from '@epoch/contracts';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { durationText, seedRunsText, verdictAccuracyText } from '../lib/eta-text';
import { RefreshEvery } from './refresh-every';
import { percent } from '../lib/policy-text';
import { resultPlots, SECTIONS, weightFiles, type TSectionId } from '../lib/result-plots';
import { TrainingCharts } from './curve-chart';
import { LocalTime } from './local-time';
import { PlotGallery, PlotThumb } from './plot-gallery';

const CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Per-class accuracy as [class, accuracy] pairs from whatever shape the grader stored (array or name map). */
function perClass(v: unknown): [string, number][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => (typeof x === 'number' ? [[CLASS_NAMES[i] ?? `class ${i}`, x] as [string, number]] : []));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => (typeof x === 'number' ? [[k, x] as [string, number]] : []));
  return [];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function Section({ id, title, children }: { id: TSectionId | 'model'; title: string; children: ReactNode }) {
  return (
    <section className="result-section" aria-labelledby={`result-${id}`} data-section={id}>
      <h3 id={`result-${id}`}>{title}</h3>
      {children}
    </section>
  );
}

/**
 * A graded submission: the verdict, then its plots in sections (curves, per-class, confusion, predictions, mistakes,
 * feature maps), each plot openable full size, and the trained model to download.
 */
export function ResultView({ result, threshold }: { result: TResultView; threshold: number }) {
  const maxEpoch = Math.max(result.history.length, 2);
  const classes = perClass(result.perClassAccuracy);
  const plots = resultPlots(result.artifacts, result.history, classes);
  const weights = weightFiles(result.artifacts);
  const seedRuns = seedRunsText(result.seedRuns, percent);
  const thumbs = (section: TSectionId) => {
    const mine = plots.filter((p) => p.section === section);
    return mine.length ? (
      <div className={`plots plots-${section}`}>
        {mine.map((p) => (
          <PlotThumb key={p.name} name={p.name} />
        ))}
      </div>
    ) : null;
  };
  const hasSection = (id: TSectionId) =>
    plots.some((p) => p.section === id) || (id === 'curves' && result.history.length > 0) || (id === 'per-class' && classes.length > 0);
  return (
    <section className="card" aria-labelledby="result-title" data-testid="result">
      <h2 id="result-title">Result</h2>
      {result.kind === 'PRACTICE' ? (
        <p className="verdict verdict-neutral" data-testid="practice-verdict">
          <span className="practice-badge">Practice</span> A practice run: trained on a small subset for a few epochs, with validation metrics only. It is not
          graded, has no verdict and does not count against your quota. Look at the shape of the curves below, then submit for grading.
        </p>
      ) : result.resultHidden ? (
        <p className="verdict verdict-neutral">
          Graded.{' '}
          {result.heldOutHidden
            ? `The verdict is decided on held-out test images and shown after the deadline${result.testAccuracy !== null ? `; on the public test images the model reached ${percent(result.testAccuracy)}` : ''}`
            : 'The result is shown after the deadline'}
          {result.visibleFrom ? (
            <>
              {' '}
              (<LocalTime iso={result.visibleFrom} zone />)
            </>
          ) : (
            ''
          )}
          .
        </p>
      ) : result.pendingSeed !== null && !result.passed ? (
        <>
          <p className="verdict verdict-neutral" data-testid="verdict">
            Not passed yet: test accuracy {verdictAccuracyText(result, percent, true)}, just below the pass mark of {percent(threshold)}.
          </p>
          <p className="muted" data-testid="pending-seed">
            So close to the pass mark that Epoch trains your model again with another seed (seed {result.pendingSeed}), after every waiting graded and practice
            run. It passes if any seed does; this page updates when it is done, and you are told if you asked to be.
          </p>
          <RefreshEvery seconds={20} />
        </>
      ) : (
        <p className={`verdict verdict-${result.passed ? 'pass' : 'fail'}`} data-testid="verdict">
          {result.passed ? 'Passed' : 'Not passed'}: test accuracy {verdictAccuracyText(result, percent)}, the pass mark is {percent(threshold)}.
        </p>
      )}
      {result.heldOut && (
        <p className="muted" data-testid="held-out">
          Held-out split: the verdict is decided on {result.heldOut.split.privateImages} held-out test images ({percent(result.heldOut.testAccuracy)}); the
          numbers and plots below are those of the other {result.heldOut.split.publicImages} (
          {result.testAccuracy !== null ? percent(result.testAccuracy) : '—'}).
        </p>
      )}
      {result.seedRuns.length > 1 && (
        <p className="muted" data-testid="seed-runs">
          The result was just below the pass mark, so it was trained again with more seeds: {seedRuns.list}. It passes if any seed does
          {seedRuns.extraSeconds !== null ? `; the extra seeds took ${durationText(seedRuns.extraSeconds)} of grader time` : ''}; the plots are the first
          seed&apos;s.
        </p>
      )}
      {result.diagnoses.length > 0 && (
        <ul className="diagnoses" aria-label="Hints on the training" data-testid="diagnoses">
          {result.diagnoses.map((d) => (
            <li key={d.kind} className="hint" data-kind={d.kind}>
              <strong>{d.title}.</strong> {d.message}
              {d.lessonStep && (
                <>
                  {' '}
                  See the lesson: <Link href={d.lessonStep.href}>{d.lessonStep.title}</Link>.
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="muted">
        Trained on {result.backend} in {seconds(result.durations.trainingMs)} (evaluation {seconds(result.durations.evaluationMs)}, waited{' '}
        {seconds(result.durations.queueWaitMs)} in the queue), seed {result.seed}.
        {result.reusedFrom && <> Identical to an earlier submission, so its result was reused.</>}
      </p>
      <PlotGallery plots={plots}>
        {SECTIONS.filter((s) => hasSection(s.id)).map((s) => (
          <Section key={s.id} id={s.id} title={s.title}>
            {s.id === 'curves' && result.history.length > 0 && <TrainingCharts epochs={result.history} maxEpoch={maxEpoch} />}
            {s.id === 'per-class' && (
              <div className="table-scroll">
                <table className="per-class">
                  <caption className="visually-hidden">Test accuracy per class</caption>
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
            {s.id === 'feature-maps' && <p className="muted">What each convolution layer makes of one test image: one small map per filter.</p>}
            {thumbs(s.id)}
          </Section>
        ))}
      </PlotGallery>
      {weights.length > 0 && (
        <Section id="model" title="The trained model">
          <p>
            Download the weights of this trained model in TensorFlow.js&apos;s layers format and keep both files in one folder: <code>model.json</code> holds
            the layers and refers to <code>weights.bin</code>, which holds the weights.
          </p>
          <ul className="downloads" data-testid="weights">
            {weights.map((w) => (
              <li key={w.name}>
                <a href={w.url} download={w.name}>
                  {w.name}
                </a>
              </li>
            ))}
          </ul>
          <details>
            <summary>Loading it in TensorFlow.js or Keras</summary>
            <p>
              TensorFlow.js: <code>const model = await tf.loadLayersModel(&apos;file://path/to/model.json&apos;);</code> (Node,{' '}
              <code>@tensorflow/tfjs-node</code>).
            </p>
            <p>
              Keras (Python, <code>pip install tensorflowjs</code>): <code>tensorflowjs.converters.load_keras_model(&apos;path/to/model.json&apos;)</code> gives
              a Keras model; or convert the files once with{' '}
              <code>tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras model.json model3.h5</code> and load that with{' '}
              <code>keras.models.load_model(&apos;model3.h5&apos;)</code>.
            </p>
          </details>
        </Section>
      )}
    </section>
  );
}
