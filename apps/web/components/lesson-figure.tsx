import type { ReactNode } from 'react';
import type { TLessonFigureName, TPoolingExample } from '@epoch/contracts';
import { api, ApiError } from '../lib/api-client';
import { curveSeries } from '../lib/curves';
import { DATA_FIGURES } from '../lib/lesson-markdown';
import { CurveChart } from './curve-chart';

/** `like this` in a message becomes code; the rest stays text. */
function withCode(text: string): ReactNode[] {
  return text.split(/(`[^`]+`)/).map((part, i) => (part.startsWith('`') && part.endsWith('`') ? <code key={i}>{part.slice(1, -1)}</code> : part));
}

const POOL = (r: number, c: number) => Math.floor(r / 2) * 2 + Math.floor(c / 2);

/**
 * 2×2 max pooling worked on real numbers: the 4×4 window (its four pools shaded apart, each pool's largest value
 * marked) and the 2×2 result MaxPooling2D keeps.
 */
function PoolingExample({ pooling }: { pooling: TPoolingExample }) {
  const fmt = (v: number) => v.toFixed(2);
  return (
    <div className="pooling" data-testid="pooling-example">
      <table className="pool-grid">
        <caption>
          {pooling.layerName}, feature map {pooling.filter}: rows {pooling.row}–{pooling.row + 3}, columns {pooling.column}–{pooling.column + 3}
        </caption>
        <tbody>
          {pooling.window.map((row, r) => (
            <tr key={r}>
              {row.map((v, c) => {
                const top = v === pooling.pooled[Math.floor(r / 2)]![Math.floor(c / 2)];
                return (
                  <td key={c} className={`pool-${POOL(r, c)}${top ? ' pool-max' : ''}`} aria-label={top ? `${fmt(v)}, the largest of its pool` : undefined}>
                    {fmt(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="pool-arrow" aria-hidden="true">
        →<br />
        <span>MaxPooling2D</span>
        <br />
        <span>pool_size=(2, 2)</span>
      </p>
      <table className="pool-grid pool-result">
        <caption>after pooling: 2×2</caption>
        <tbody>
          {pooling.pooled.map((row, r) => (
            <tr key={r}>
              {row.map((v, c) => (
                <td key={c} className={`pool-${r * 2 + c} pool-max`}>
                  {fmt(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Missing({ name, title, message }: { name: TLessonFigureName; title: string; message: string }) {
  return (
    <aside className="lesson-figure figure-missing" role="note" data-testid={`figure-${name}`} data-status="unavailable">
      <p className="figure-title">{title}</p>
      <p>{withCode(message)}</p>
    </aside>
  );
}

/**
 * A figure a lesson step draws from data (`::training-grid`, ...): the API renders the pictures from the prepared
 * dataset and the course's reference runs; the accuracy curve is drawn here from the run's history. When the figure
 * cannot be made (no dataset on the server, API trouble) the reader is told why instead of seeing a broken image.
 */
export async function LessonFigure({ course, name, model }: { course: string; name: TLessonFigureName; model: string | null }) {
  const view = await api.lessonFigure(course, name, model).catch((e: unknown) => ({
    status: 'error' as const,
    message: e instanceof ApiError && e.status === 404 ? e.message : 'The figure could not be loaded just now; reload the page to try again.',
  }));
  if (view.status === 'error') return <Missing name={name} title={DATA_FIGURES[name]} message={view.message} />;
  if (view.status === 'unavailable') return <Missing name={name} title={view.title} message={view.message} />;
  const history = view.history ?? [];
  const { accuracy } = curveSeries(history);
  const top = Math.min(1, Math.ceil(Math.max(0.1, ...history.flatMap((e) => [e.accuracy, e.valAccuracy ?? 0])) * 10) / 10);
  return (
    <figure className="lesson-figure" data-testid={`figure-${name}`} data-status="ready">
      {view.images.map((img) => (
        <img key={img.src} src={img.src} alt={img.alt} width={img.width} height={img.height} loading="lazy" />
      ))}
      {view.pooling && <PoolingExample pooling={view.pooling} />}
      {history.length > 0 && <CurveChart title="Accuracy" series={accuracy} maxEpoch={Math.max(history.length, 2)} yMin={0} yMax={top} unit="percent" />}
      <figcaption>
        <strong>{view.title}.</strong> {view.caption}
      </figcaption>
    </figure>
  );
}
