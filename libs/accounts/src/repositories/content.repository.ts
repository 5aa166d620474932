import type { Course, Lesson, LessonStep } from '@epoch/db';
import type { TDb } from '@epoch/db';

/** Course content as loaded from the content files (lessons, steps, the exercise list): read-only here. */

/** Every course's slug, title and description, by title. */
export function publicCourses(db: TDb): Promise<{ slug: string; title: string; description: string }[]> {
  return db.course.findMany({ orderBy: { title: 'asc' }, select: { slug: true, title: true, description: true } });
}

type TRef = { slug: string; title: string; position: number };
export type TCourseOutlineRow = Course & { lessons: (Lesson & { steps: TRef[] })[]; exercises: TRef[] };

/** A course with its lessons, their steps and its exercises, each in position order (titles only, no bodies). */
export function courseOutline(db: TDb, slug: string): Promise<TCourseOutlineRow | null> {
  return db.course.findUnique({
    where: { slug },
    include: {
      lessons: { orderBy: { position: 'asc' }, include: { steps: { orderBy: { position: 'asc' }, select: { slug: true, title: true, position: true } } } },
      exercises: { orderBy: { position: 'asc' }, select: { slug: true, title: true, position: true } },
    },
  });
}

/** A lesson of a course with all its steps (bodies included) in position order. */
export function lessonWithSteps(db: TDb, courseSlug: string, lessonSlug: string): Promise<{ steps: LessonStep[] } | null> {
  return db.lesson.findFirst({ where: { slug: lessonSlug, course: { slug: courseSlug } }, include: { steps: { orderBy: { position: 'asc' } } } });
}
