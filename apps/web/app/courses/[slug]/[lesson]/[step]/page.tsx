import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LessonFigure } from '../../../../../components/lesson-figure';
import { CourseMarkdown } from '../../../../../components/markdown';
import { api, ApiError } from '../../../../../lib/api-client';
import { figureUrl, splitLesson } from '../../../../../lib/lesson-markdown';

export const dynamic = 'force-dynamic';

export default async function StepPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; lesson: string; step: string }>;
  searchParams: Promise<{ version?: string | string[] }>;
}) {
  const { slug, lesson, step } = await params;
  const { version } = await searchParams;
  // `?version=N`: an earlier version of the step's text (kept for results that refer to it), or a removed step's.
  const wanted = typeof version === 'string' && /^[1-9]\d{0,8}$/.test(version) ? Number(version) : null;
  const missing = (e: unknown): never => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 400)) notFound();
    throw e;
  };
  const [view, course] = await Promise.all([
    (wanted ? api.stepVersion(slug, lesson, step, wanted) : api.step(slug, lesson, step)).catch(missing),
    api.course(slug).catch(missing),
  ]);
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
      {view.version !== view.latestVersion || view.removed ? (
        <p className="notice" role="note" data-testid="step-version">
          {view.removed
            ? `Version ${view.version} of a step that is no longer in the course.`
            : `Version ${view.version} of this step, as it was before the course was updated. `}
          {!view.removed && <Link href={`${base}/${view.slug}`}>Read the current version ({view.latestVersion})</Link>}
        </p>
      ) : null}
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
