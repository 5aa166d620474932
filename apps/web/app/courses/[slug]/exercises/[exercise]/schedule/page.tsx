import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ExceptionsEditor, ScheduleEditor, TimeZoneForm } from '../../../../../../components/schedule-editor';
import { api, ApiError } from '../../../../../../lib/api-client';
import { signInOn401 } from '../../../../../../lib/require-user';

export const dynamic = 'force-dynamic';

/** The exercise's schedule, students' extensions and quota overrides, and the course's time zone (course staff). */
export default async function SchedulePage({ params }: { params: Promise<{ slug: string; exercise: string }> }) {
  const { slug: course, exercise: slug } = await params;
  const back = `/courses/${course}/exercises/${slug}/schedule`;
  const me = await api.me();
  if (!me) signInOn401(back)(new ApiError(401, 'sign in'));
  const hide = (e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) notFound();
    return signInOn401(back)(e);
  };
  const [view, exceptions, results, exercise] = await Promise.all([
    api.schedule(course, slug).catch(hide),
    api.exceptions(course, slug).catch(hide),
    api.classResults(course, slug).catch(hide),
    api.exercise(course, slug).catch(hide),
  ]);
  return (
    <article className="wide">
      <p className="muted">
        <Link href={`/courses/${course}`}>Course</Link> · <Link href={`/courses/${course}/exercises/${slug}`}>{exercise.title}</Link> ·{' '}
        <Link href={`/courses/${course}/exercises/${slug}/results`}>class results</Link> · <Link href={`/courses/${course}/gradebook`}>gradebook</Link>
      </p>
      <h1>Schedule and extensions</h1>
      <p className="muted">
        Policy version {view.version}. Changing the schedule re-decides stored results (late marks and credit) without retraining; thresholds, limits and costs
        stay with the administrators&apos; policy.
      </p>
      <ScheduleEditor course={course} slug={slug} view={view} csrfToken={me?.csrfToken ?? ''} />
      <ExceptionsEditor
        course={course}
        slug={slug}
        timeZone={view.timeZone}
        students={results.rows.map((r) => ({ userId: r.userId, name: r.name, email: r.email }))}
        items={exceptions.items}
        csrfToken={me?.csrfToken ?? ''}
      />
      <TimeZoneForm course={course} timeZone={view.timeZone} csrfToken={me?.csrfToken ?? ''} />
    </article>
  );
}
