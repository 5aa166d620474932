import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AccuracyHistogram } from '../../../../../../components/accuracy-histogram';
import { ClassTable } from '../../../../../../components/class-table';
import { api, ApiError } from '../../../../../../lib/api-client';
import { percent } from '../../../../../../lib/policy-text';
import { signInOn401 } from '../../../../../../lib/require-user';

export const dynamic = 'force-dynamic';

export default async function ClassResultsPage({ params }: { params: Promise<{ slug: string; exercise: string }> }) {
  const { slug: course, exercise: slug } = await params;
  const back = `/courses/${course}/exercises/${slug}/results`;
  const me = await api.me();
  if (!me) signInOn401(back)(new ApiError(401, 'sign in'));
  const hide = (e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) notFound();
    return signInOn401(back)(e);
  };
  const [data, exercise] = await Promise.all([api.classResults(course, slug).catch(hide), api.exercise(course, slug).catch(hide)]);
  const s = data.summary;
  return (
    <article className="wide">
      <p className="muted">
        <Link href={`/courses/${exercise.courseSlug}`}>Course</Link> · <Link href={`/courses/${course}/exercises/${slug}`}>{exercise.title}</Link> ·{' '}
        <Link href={`/courses/${course}/exercises/${slug}/schedule`}>schedule and extensions</Link> ·{' '}
        <Link href={`/courses/${course}/gradebook`}>gradebook</Link>
      </p>
      <h1>Class results</h1>
      <div className="stats" data-testid="class-summary">
        <div className="stat">
          <span className="stat-value">{percent(s.passRate, 0)}</span>
          <span className="muted">
            pass rate ({s.passed} of {s.students})
          </span>
        </div>
        <div className="stat">
          <span className="stat-value">{s.withResult}</span>
          <span className="muted">students with a result</span>
        </div>
        <div className="stat">
          <span className="stat-value">{s.medianBest !== null ? percent(s.medianBest) : '—'}</span>
          <span className="muted">median best accuracy</span>
        </div>
        <div className="stat">
          <span className="stat-value">{percent(data.minTestAccuracy)}</span>
          <span className="muted">pass mark</span>
        </div>
      </div>
      <section className="card">
        <AccuracyHistogram bins={s.distribution} threshold={data.minTestAccuracy} />
      </section>
      <section className="card" aria-labelledby="students-title">
        <div className="section-head">
          <h2 id="students-title">Students</h2>
          <a className="button-link" href={`/api/courses/${encodeURIComponent(course)}/exercises/${encodeURIComponent(slug)}/results.csv`} download>
            Export CSV
          </a>
        </div>
        <ClassTable rows={data.rows} course={course} exercise={slug} csrfToken={me?.csrfToken ?? ''} />
      </section>
    </article>
  );
}
