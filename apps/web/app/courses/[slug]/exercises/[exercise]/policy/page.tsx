import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CalibrationPanel } from '../../../../../../components/calibration-panel';
import { PolicyEditor } from '../../../../../../components/policy-editor';
import { PolicyHistory } from '../../../../../../components/policy-history';
import { api, ApiError } from '../../../../../../lib/api-client';
import { signInOn401 } from '../../../../../../lib/require-user';
import { LocalTime } from '../../../../../../components/local-time';

export const dynamic = 'force-dynamic';

export default async function PolicyPage({ params }: { params: Promise<{ slug: string; exercise: string }> }) {
  const { slug: course, exercise: slug } = await params;
  const back = `/courses/${course}/exercises/${slug}/policy`;
  const me = await api.me();
  if (!me) signInOn401(back)(new ApiError(401, 'sign in'));
  // Only admins change policies; anyone else is shown "not found".
  if (me?.role !== 'ADMIN') notFound();
  const hide = (e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) notFound();
    return signInOn401(back)(e);
  };
  const [view, exercise, history, calibration] = await Promise.all([
    api.policy(course, slug).catch(hide),
    api.exercise(course, slug).catch(hide),
    api.policyHistory(course, slug).catch(hide),
    api.calibration(course, slug).catch(hide),
  ]);
  return (
    <article>
      <p className="muted">
        <Link href={`/courses/${exercise.courseSlug}`}>Course</Link> · <Link href={`/courses/${course}/exercises/${slug}`}>{exercise.title}</Link> ·{' '}
        <Link href={`/courses/${course}/exercises/${slug}/results`}>class results</Link>
      </p>
      <h1>Grading policy</h1>
      <p className="muted">
        Version {view.version}, last changed <LocalTime iso={view.updatedAt} />. A new pass mark re-decides stored results at once, without retraining.
      </p>
      <CalibrationPanel course={course} slug={slug} state={calibration} csrfToken={me.csrfToken} />
      <PolicyEditor course={course} slug={slug} view={view} csrfToken={me.csrfToken} />
      <PolicyHistory history={history} />
    </article>
  );
}
