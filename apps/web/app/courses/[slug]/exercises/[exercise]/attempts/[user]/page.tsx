import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AttemptsView } from '../../../../../../../components/attempts-view';
import { api, ApiError } from '../../../../../../../lib/api-client';
import { signInOn401 } from '../../../../../../../lib/require-user';

export const dynamic = 'force-dynamic';

export default async function AttemptsPage({ params }: { params: Promise<{ slug: string; exercise: string; user: string }> }) {
  const { slug: course, exercise, user } = await params;
  const back = `/courses/${course}/exercises/${exercise}/attempts/${user}`;
  const me = await api.me();
  if (!me) signInOn401(back)(new ApiError(401, 'sign in'));
  const data = await api.attempts(course, exercise, user).catch((e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) notFound();
    return signInOn401(back)(e);
  });
  const own = me?.id === data.student.id;
  return (
    <article className="wide">
      <p className="muted">
        <Link href={`/courses/${course}`}>Course</Link> · <Link href={`/courses/${course}/exercises/${exercise}`}>{data.exerciseTitle}</Link>
        {!own && (
          <>
            {' · '}
            <Link href={`/courses/${course}/exercises/${exercise}/results`}>Class results</Link>
          </>
        )}
      </p>
      <h1>{own ? 'Your attempts' : `Attempts of ${data.student.name}`}</h1>
      <p className="muted" data-testid="attempts-owner">
        {data.student.name} · {data.student.email} · {data.attempts.length} attempt{data.attempts.length === 1 ? '' : 's'} at {data.exerciseTitle}
      </p>
      <AttemptsView data={data} />
    </article>
  );
}
