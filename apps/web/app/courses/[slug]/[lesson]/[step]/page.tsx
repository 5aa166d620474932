import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LessonFigure } from '../../../../../components/lesson-figure';
import { CourseMarkdown } from '../../../../../components/markdown';
import { api, ApiError } from '../../../../../lib/api-client';
import { figureUrl, splitLesson } from '../../../../../lib/lesson-markdown';

export const dynamic = 'force-dynamic';

export default async function StepPage({ params }: { params: Promise<{ slug: string; lesson: string; step: string }> }) {
  const { slug, lesson, step } = await params;
  const missing = (e: unknown): never => {
    if (e instanceof ApiError && e.status === 404) notFound();
    throw e;
  };
  const [view, course] = await Promise.all([api.step(slug, lesson, step).catch(missing), api.course(slug).catch(missing)]);
  const total = course.lessons.find((l) => l.slug === lesson)?.steps.length ?? view.position;
  const base = `/courses/${slug}/${lesson}`;
  return (
    <article>
      <p className="muted">
        <Link href={`/courses/${slug}`}>{course.title}</Link> · step {view.position} of {total}
      </p>
      <div
        className="progress lesson-progress"
        role="progressbar"
        aria-label="Lesson progress"
        aria-valuemin={1}
        aria-valuemax={total}
        aria-valuenow={view.position}
      >
        <div className="progress-fill" style={{ width: `${(view.position / total) * 100}%` }} />
      </div>
      <h1>{view.title}</h1>
      {splitLesson(view.body).map((part, i) =>
        part.kind === 'figure' ? (
          <LessonFigure key={i} course={slug} name={part.name} model={part.model} />
        ) : (
          <CourseMarkdown key={i} text={part.text} urlTransform={(url) => figureUrl(slug, url)} />
        ),
      )}
      <nav className="step-nav">
        {view.prev ? <Link href={`${base}/${view.prev.slug}`}>← {view.prev.title}</Link> : <span />}
        {view.next ? <Link href={`${base}/${view.next.slug}`}>{view.next.title} →</Link> : <span />}
      </nav>
    </article>
  );
}
