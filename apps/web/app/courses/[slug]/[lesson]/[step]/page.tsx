import Link from 'next/link';
import { notFound } from 'next/navigation';
import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { api, ApiError } from '../../../../../lib/api-client';
import { expandDirectives, figureUrl } from '../../../../../lib/lesson-markdown';

export const dynamic = 'force-dynamic';

export default async function StepPage({ params }: { params: Promise<{ slug: string; lesson: string; step: string }> }) {
  const { slug, lesson, step } = await params;
  const view = await api.step(slug, lesson, step).catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) notFound();
    throw e;
  });
  const base = `/courses/${slug}/${lesson}`;
  return (
    <article>
      <p className="muted"><Link href={`/courses/${slug}`}>Course</Link> · step {view.position}</p>
      <h1>{view.title}</h1>
      <Markdown remarkPlugins={[remarkGfm]} urlTransform={(url) => figureUrl(slug, url)}>{expandDirectives(view.body)}</Markdown>
      <nav className="step-nav">
        {view.prev ? <Link href={`${base}/${view.prev.slug}`}>← {view.prev.title}</Link> : <span />}
        {view.next ? <Link href={`${base}/${view.next.slug}`}>{view.next.title} →</Link> : <span />}
      </nav>
    </article>
  );
}
