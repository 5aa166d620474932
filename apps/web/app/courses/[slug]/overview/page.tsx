import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AccuracyHistogram } from '../../../../components/accuracy-histogram';
import { api, ApiError } from '../../../../lib/api-client';
import { percent } from '../../../../lib/policy-text';
import { signInOn401 } from '../../../../lib/require-user';

export const dynamic = 'force-dynamic';

const KIND = { FAILED: 'failed', REJECTED: 'rejected', ERROR: 'error' } as const;

function wait(seconds: number | null): string {
  if (seconds === null) return 'nobody is waiting';
  if (seconds < 90) return `the oldest has waited ${seconds} s`;
  if (seconds < 5400) return `the oldest has waited ${Math.round(seconds / 60)} min`;
  return `the oldest has waited ${(seconds / 3600).toFixed(1)} h`;
}

export default async function ClassOverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const back = `/courses/${slug}/overview`;
  const me = await api.me();
  if (!me) signInOn401(back)(new ApiError(401, 'sign in'));
  const data = await api.overview(slug).catch((e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) notFound();
    return signInOn401(back)(e);
  });
  return (
    <article className="wide">
      <p className="muted">
        <Link href={`/courses/${slug}`}>{data.courseTitle}</Link>
      </p>
      <h1>Class overview</h1>
      <p data-testid="queue-now">
        Grading queue now: <strong>{data.queue.waiting}</strong> waiting, <strong>{data.queue.training}</strong> training; {wait(data.queue.oldestWaitSeconds)}.
      </p>
      {data.exercises.map((e) => (
        <section key={e.slug} className="card" aria-labelledby={`ex-${e.slug}`} data-testid="overview-exercise">
          <div className="section-head">
            <h2 id={`ex-${e.slug}`}>{e.title}</h2>
            <Link href={`/courses/${slug}/exercises/${e.slug}/results`}>Class results</Link>
          </div>
          <div className="stats">
            <div className="stat">
              <span className="stat-value">
                {e.submitted} / {e.students}
              </span>
              <span className="muted">submitted</span>
            </div>
            <div className="stat">
              <span className="stat-value">{e.passed}</span>
              <span className="muted">passed ({e.students ? percent(e.passed / e.students, 0) : '—'})</span>
            </div>
            <div className="stat">
              <span className="stat-value">{e.inProgress}</span>
              <span className="muted">queued or training now</span>
            </div>
          </div>
          <div className="overview-grid">
            <AccuracyHistogram bins={e.distribution} threshold={e.minTestAccuracy} />
            <div>
              <h3>Most frequent failure reasons</h3>
              {e.failures.length === 0 ? (
                <p className="muted">No failed, rejected or errored submissions.</p>
              ) : (
                <ol data-testid="failure-reasons">
                  {e.failures.map((f) => (
                    <li key={`${f.kind}:${f.reason}`}>
                      <strong>{f.count}×</strong> <span className="muted">{KIND[f.kind]}</span> {f.reason}
                    </li>
                  ))}
                </ol>
              )}
            </div>
          </div>
        </section>
      ))}
    </article>
  );
}
