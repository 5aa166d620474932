import type { TLessonStepView } from '@epoch/contracts';
import { NotFoundError } from '@epoch/contracts';
import { lessonWithSteps } from '../repositories/content.repository';
import type { TDb } from '@epoch/db';

/** One step of a lesson with its body and its neighbours (null at either end of the lesson). */
export async function lessonStep(db: TDb, at: { courseSlug: string; lessonSlug: string; stepSlug: string }): Promise<TLessonStepView> {
  const lesson = await lessonWithSteps(db, at.courseSlug, at.lessonSlug);
  const index = lesson?.steps.findIndex((s) => s.slug === at.stepSlug) ?? -1;
  const step = lesson?.steps[index];
  if (!lesson || !step) throw new NotFoundError(`no step "${at.stepSlug}" in ${at.courseSlug}/${at.lessonSlug}`);
  const ref = (s: { slug: string; title: string; position: number } | undefined) => (s ? { slug: s.slug, title: s.title, position: s.position } : null);
  return {
    courseSlug: at.courseSlug,
    lessonSlug: at.lessonSlug,
    slug: step.slug,
    title: step.title,
    position: step.position,
    body: step.body,
    prev: ref(lesson.steps[index - 1]),
    next: ref(lesson.steps[index + 1]),
  };
}
