import Link from 'next/link';
import { notFound } from 'next/navigation';
import { api, ApiError } from '../../../lib/api-client';

export const dynamic = 'force-dynamic';

export default async function CoursePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const course = await api.course(slug).catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) notFound();
    throw e;
  });
  return (
    <>
      <h1>{course.title}</h1>
      <p className="muted">{course.description}</p>
      {course.lessons.map((lesson) => (
        <section key={lesson.slug} className="card">
          <h2>{lesson.title}</h2>
          <ol className="steps">
            {lesson.steps.map((s) => (
              <li key={s.slug}><Link href={`/courses/${course.slug}/${lesson.slug}/${s.slug}`}>{s.title}</Link></li>
            ))}
          </ol>
        </section>
      ))}
      <section className="card">
        <h2>Exercises</h2>
        <ol className="steps">
          {course.exercises.map((e) => <li key={e.slug}>{e.title}</li>)}
        </ol>
      </section>
    </>
  );
}
