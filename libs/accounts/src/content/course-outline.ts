import type { TCourseOutline } from '@epoch/contracts';
import { NotFoundError } from '@epoch/contracts';
import { courseOutline as outlineOf } from '../repositories/content.repository';
import type { TDb } from '@epoch/db';

/** A course's lessons with their steps, and its exercises, each in position order. */
export async function courseOutline(db: TDb, slug: string): Promise<TCourseOutline> {
  const course = await outlineOf(db, slug);
  if (!course) throw new NotFoundError(`no course "${slug}"`);
  return {
    slug: course.slug,
    title: course.title,
    description: course.description,
    lessons: course.lessons.map((l) => ({ slug: l.slug, title: l.title, position: l.position, steps: l.steps })),
    exercises: course.exercises,
  };
}
