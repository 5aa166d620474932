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
      lessons: {
        where: { removedAt: null },
        orderBy: { position: 'asc' },
        include: { steps: { where: { removedAt: null }, orderBy: { position: 'asc' }, select: { slug: true, title: true, position: true } } },
      },
      exercises: { where: { removedAt: null }, orderBy: { position: 'asc' }, select: { slug: true, title: true, position: true } },
    },
  });
}

/** A lesson of a course with its current steps (bodies included) in position order (removed lessons and steps: none). */
export function lessonWithSteps(db: TDb, courseSlug: string, lessonSlug: string): Promise<{ steps: LessonStep[] } | null> {
  return db.lesson.findFirst({
    where: { slug: lessonSlug, course: { slug: courseSlug }, removedAt: null },
    include: { steps: { where: { removedAt: null }, orderBy: { position: 'asc' } } },
  });
}

/** One version of a step (a removed step's too), with the step's current version and whether it was removed. */
export function stepVersion(
  db: TDb,
  at: { courseSlug: string; lessonSlug: string; stepSlug: string; version: number },
): Promise<{ title: string; body: string; version: number; createdAt: Date; step: { version: number; removedAt: Date | null; position: number } } | null> {
  return db.lessonStepVersion.findFirst({
    where: { version: at.version, step: { slug: at.stepSlug, lesson: { slug: at.lessonSlug, course: { slug: at.courseSlug } } } },
    select: { title: true, body: true, version: true, createdAt: true, step: { select: { version: true, removedAt: true, position: true } } },
  });
}
