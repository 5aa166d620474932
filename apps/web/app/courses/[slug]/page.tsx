import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LeaveCourseButton } from '../../../components/course-members';
import { JoinForm } from '../../../components/join-form';
import { api, ApiError } from '../../../lib/api-client';
import { cellText, totalText } from '../../../lib/gradebook';

export const dynamic = 'force-dynamic';

export default async function CoursePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const [me, course] = await Promise.all([
    api.me().catch(() => null),
    api.course(slug).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) notFound();
      throw e;
    }),
  ]);
  const membership = me?.courses.find((c) => c.slug === slug) ?? null;
  const staff = me !== null && (me.role === 'ADMIN' || membership?.role === 'INSTRUCTOR');
  const member = staff || membership !== null;
  // A student's own gradebook row (null for staff and readers who are not students).
  const mine = membership?.role === 'STUDENT' ? await api.myGradebook(slug).catch(() => null) : null;
  return (
    <>
      <h1>{course.title}</h1>
      <p className="muted">{course.description}</p>
      {staff && (
        <p className="staff-links">
          <Link href={`/courses/${slug}/overview`}>Class overview</Link> · <Link href={`/courses/${slug}/members`}>Members and enrollment code</Link> ·{' '}
          <Link href={`/courses/${slug}/content`}>Course content</Link> · <Link href={`/courses/${slug}/gradebook`}>Gradebook</Link>
        </p>
      )}
      {!member && (
        <section className="card" aria-labelledby="join-title" data-testid="join-this-course">
          <h2 id="join-title">Join this course to submit</h2>
          <p className="muted">Anyone can read the lessons. To submit exercises, join with the code your instructor gave you.</p>
          <JoinForm csrfToken={me?.csrfToken ?? ''} signedIn={me !== null} back={`/courses/${slug}`} />
        </section>
      )}
      {course.lessons.map((lesson) => (
        <section key={lesson.slug} className="card">
          <h2>{lesson.title}</h2>
          <ol className="steps">
            {lesson.steps.map((s) => (
              <li key={s.slug}>
                <Link href={`/courses/${course.slug}/${lesson.slug}/${s.slug}`}>{s.title}</Link>
              </li>
            ))}
          </ol>
        </section>
      ))}
      <section className="card">
        <h2>Exercises</h2>
        <ol className="steps">
          {course.exercises.map((e) => (
            <li key={e.slug}>
              <Link href={`/courses/${course.slug}/exercises/${e.slug}`}>{e.title}</Link>
              {staff && (
                <>
                  {' '}
                  · <Link href={`/courses/${course.slug}/exercises/${e.slug}/results`}>class results</Link> ·{' '}
                  <Link href={`/courses/${course.slug}/exercises/${e.slug}/schedule`}>schedule</Link>
                </>
              )}
              {me?.role === 'ADMIN' && (
                <>
                  {' '}
                  · <Link href={`/courses/${course.slug}/exercises/${e.slug}/policy`}>policy</Link>
                </>
              )}
            </li>
          ))}
        </ol>
      </section>
      {mine && (
        <section className="card" aria-labelledby="my-grades-title" data-testid="my-grades">
          <h2 id="my-grades-title">Your grades</h2>
          <table className="table">
            <thead>
              <tr>
                <th>Exercise</th>
                <th>Counted result</th>
              </tr>
            </thead>
            <tbody>
              {mine.exercises.map((e, i) => {
                const cell = mine.row.cells[i];
                const t = cell ? cellText(cell) : { main: '—', marks: [] };
                return (
                  <tr key={e.slug}>
                    <td>{e.title}</td>
                    <td>
                      {t.main}
                      {t.marks.length > 0 && <span className="muted"> ({t.marks.join(', ')})</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p>
            Total: <strong data-testid="my-total">{totalText(mine.row.total, mine.exercises.length)}</strong> ({mine.row.passed} passed)
          </p>
        </section>
      )}
      {membership?.role === 'STUDENT' && me && (
        <p className="muted">
          You are a student of this course. <LeaveCourseButton course={slug} csrfToken={me.csrfToken} />
        </p>
      )}
    </>
  );
}
