import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ExerciseEditor } from '../../../../../components/exercise-editor';
import { JoinForm } from '../../../../../components/join-form';
import { LocalTime } from '../../../../../components/local-time';
import { CourseMarkdown } from '../../../../../components/markdown';
import { SubmissionHistory } from '../../../../../components/submission-history';
import { api, ApiError } from '../../../../../lib/api-client';
import { modelRulesFromPolicy } from '@epoch/contracts';
import { policyRows, quotaAllows } from '../../../../../lib/policy-text';
import { signInOn401 } from '../../../../../lib/require-user';
import { formatInZone, lateCreditText } from '../../../../../lib/schedule-form';

export const dynamic = 'force-dynamic';

export default async function ExercisePage({ params }: { params: Promise<{ slug: string; exercise: string }> }) {
  const { slug: course, exercise: slug } = await params;
  const back = `/courses/${course}/exercises/${slug}`;
  const me = await api.me();
  if (!me) signInOn401(back)(new ApiError(401, 'sign in'));
  const exercise = await api.exercise(course, slug).catch(async (e: unknown) => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      // An exercise of a course the reader is not in: the course's join form instead of "not found".
      const outline = await api.course(course).catch(() => null);
      const listed = outline?.exercises.find((x) => x.slug === slug);
      if (!outline || !listed) notFound();
      return { notMember: true as const, outline, listed };
    }
    return signInOn401(back)(e);
  });
  if ('notMember' in exercise) {
    return (
      <article>
        <p className="muted">
          <Link href={`/courses/${course}`}>{exercise.outline.title}</Link> · exercise {exercise.listed.position}
        </p>
        <h1>{exercise.listed.title}</h1>
        <section className="card" aria-labelledby="join-title" data-testid="join-this-course">
          <h2 id="join-title">Join this course to submit</h2>
          <p className="muted">This exercise belongs to {exercise.outline.title}. Join it with the code your instructor gave you.</p>
          <JoinForm csrfToken={me?.csrfToken ?? ''} signedIn={me !== null} back={back} />
        </section>
      </article>
    );
  }
  const [history, mine] = await Promise.all([api.submissions(course, slug).catch(signInOn401(back)), api.mySchedule(course, slug).catch(() => null)]);
  const staff = exercise.quota === null;
  const allowed = quotaAllows(exercise.quota);
  return (
    <article className="wide">
      <p className="muted">
        <Link href={`/courses/${exercise.courseSlug}`}>Course</Link> · exercise {exercise.position}
        {staff ? (
          <>
            {' · '}
            <Link href={`/courses/${course}/exercises/${slug}/schedule`}>schedule and extensions</Link>
            {' · '}
            <Link href={`/courses/${course}/exercises/${slug}/results`} data-testid="class-results-link">
              class results
            </Link>
            {' · '}
            <Link href={`/courses/${course}/overview`}>class overview</Link>
          </>
        ) : (
          me && (
            <>
              {' · '}
              <Link href={`/courses/${course}/exercises/${slug}/attempts/${me.id}`}>all your attempts</Link>
            </>
          )
        )}
      </p>
      <h1>{exercise.title}</h1>
      <div className="exercise-top">
        <section className="card task" aria-labelledby="task-title">
          <h2 id="task-title">Task</h2>
          <CourseMarkdown text={exercise.instructions} />
        </section>
        <section className="card policy" aria-labelledby="policy-title" data-testid="policy">
          <h2 id="policy-title">What you need</h2>
          <dl className="policy-list">
            {policyRows(exercise.policy, exercise.quota)
              // A student's own deadline (with an extension) and the late rule are shown below instead.
              .filter(([k]) => !(mine && !staff && k === 'Deadline'))
              .map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>
                    {typeof v === 'string' ? (
                      v
                    ) : (
                      <>
                        <LocalTime iso={v.at} zone />
                        {v.note}
                      </>
                    )}
                  </dd>
                </div>
              ))}
          </dl>
          {mine && !staff && (
            <dl className="policy-list" data-testid="my-schedule">
              {mine.opensAt && mine.window === 'NOT_OPEN' && (
                <div>
                  <dt>Opens</dt>
                  <dd>{formatInZone(mine.opensAt, mine.timeZone)}</dd>
                </div>
              )}
              <div>
                <dt>Your deadline</dt>
                <dd>
                  {mine.deadline ? formatInZone(mine.deadline, mine.timeZone) : 'none'}
                  {mine.extended && mine.exerciseDeadline && ` (extended for you; the class's is ${formatInZone(mine.exerciseDeadline, mine.timeZone)})`}
                </dd>
              </div>
              {mine.deadline && (
                <div>
                  <dt>Late work</dt>
                  <dd>{lateCreditText(mine.latePolicy, mine.lateCredit)}</dd>
                </div>
              )}
              {mine.window === 'LATE' && (
                <div>
                  <dt>Submitted now</dt>
                  <dd>counts for {Math.round(mine.creditNow * 1000) / 10}% of full marks</dd>
                </div>
              )}
              {mine.extraSubmissions > 0 && (
                <div>
                  <dt>Extra submissions</dt>
                  <dd>{mine.extraSubmissions}</dd>
                </div>
              )}
            </dl>
          )}
          {!allowed && (
            <p role="alert" className="error-text">
              You have no submissions left for now.
            </p>
          )}
        </section>
      </div>
      <ExerciseEditor
        course={course}
        exercise={slug}
        starterCode={exercise.starterCode}
        rules={modelRulesFromPolicy(exercise.policy)}
        policy={exercise.policy}
        graders={exercise.graders}
        csrfToken={me?.csrfToken ?? ''}
        canSubmit={allowed}
      />
      <SubmissionHistory items={history.items} />
    </article>
  );
}
