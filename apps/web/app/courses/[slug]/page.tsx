import Link from 'next/link';
import { notFound } from 'next/navigation';
import { api, ApiError } from '../../../lib/api-client';

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
  const staff = me !== null && (me.role === 'ADMIN' || me.courses.some((c) => c.slug === slug && c.role === 'INSTRUCTOR'));
  return (
    <>
      <h1>{course.title}</h1>
      <p className="muted">{course.description}</p>
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
              <Link href={`/exercises/${e.slug}`}>{e.title}</Link>
              {staff && (
                <>
                  {' '}
                  · <Link href={`/exercises/${e.slug}/results`}>class results</Link>
                </>
              )}
              {me?.role === 'ADMIN' && (
                <>
                  {' '}
                  · <Link href={`/exercises/${e.slug}/policy`}>policy</Link>
                </>
              )}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
