import type { TLessonStepView } from '@epoch/contracts';
import { NotFoundError } from '@epoch/contracts';
import { lessonWithSteps, stepVersion } from '../repositories/content.repository';
import type { TDb } from '@epoch/db';

/**
 * One step of a lesson with its body and its neighbours (null at either end of the lesson). With `version`, that
 * version of the step's text as a content sync wrote it (earlier versions and removed steps stay readable, for
 * results that refer to them; no neighbours then).
 */
export async function lessonStep(db: TDb, at: { courseSlug: string; lessonSlug: string; stepSlug: string; version?: number }): Promise<TLessonStepView> {
  const notFound = () => new NotFoundError(`no step "${at.stepSlug}"${at.version ? ` version ${at.version}` : ''} in ${at.courseSlug}/${at.lessonSlug}`);
  if (at.version !== undefined) {
    const v = await stepVersion(db, { ...at, version: at.version });
    if (!v) throw notFound();
    return {
      courseSlug: at.courseSlug,
      lessonSlug: at.lessonSlug,
      slug: at.stepSlug,
      title: v.title,
      position: v.step.position,
      body: v.body,
      prev: null,
      next: null,
      version: v.version,
      latestVersion: v.step.version,
      removed: v.step.removedAt !== null,
    };
  }
  const lesson = await lessonWithSteps(db, at.courseSlug, at.lessonSlug);
  const index = lesson?.steps.findIndex((s) => s.slug === at.stepSlug) ?? -1;
  const step = lesson?.steps[index];
  if (!lesson || !step) throw notFound();
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
    version: step.version,
    latestVersion: step.version,
    removed: false,
  };
}
