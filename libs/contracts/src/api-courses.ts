import { z } from 'zod';

/** API DTOs for courses and lessons (responses are validated by the web's typed client). */

export const ZStepRef = z.object({ slug: z.string(), title: z.string(), position: z.number().int() });
export const ZCourseOutline = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  lessons: z.array(z.object({ slug: z.string(), title: z.string(), position: z.number().int(), steps: z.array(ZStepRef) })),
  exercises: z.array(z.object({ slug: z.string(), title: z.string(), position: z.number().int() })),
});
export type TCourseOutline = z.infer<typeof ZCourseOutline>;

export const ZCourseList = z.object({ items: z.array(ZCourseOutline.pick({ slug: true, title: true, description: true })) });
export type TCourseList = z.infer<typeof ZCourseList>;

export const ZLessonStepView = z.object({
  courseSlug: z.string(),
  lessonSlug: z.string(),
  slug: z.string(),
  title: z.string(),
  position: z.number().int(),
  body: z.string(),
  prev: ZStepRef.nullable(),
  next: ZStepRef.nullable(),
  /** The version shown, and the step's newest (each content sync that changes a step's text makes a new version). */
  version: z.number().int(),
  latestVersion: z.number().int(),
  /** The step is no longer in the course (an earlier version read by its number). */
  removed: z.boolean(),
});
export type TLessonStepView = z.infer<typeof ZLessonStepView>;

/** The error body every API error uses. */
export const ZApiError = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.array(z.object({ path: z.string(), message: z.string() })).optional() }),
});
export type TApiError = z.infer<typeof ZApiError>;
