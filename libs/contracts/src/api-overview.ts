import { z } from 'zod';

/** A group of failed, rejected or errored submissions with the same reason (numbers aside). */
export const ZFailureReason = z.object({
  kind: z.enum(['FAILED', 'REJECTED', 'ERROR']),
  /** One submission's words for it (the group's most recent). */
  reason: z.string(),
  count: z.number().int().min(1),
});
export type TFailureReason = z.infer<typeof ZFailureReason>;

/** GET /api/courses/:course/overview: the instructor's view across the course's exercises. */
export const ZClassOverview = z.object({
  courseSlug: z.string(),
  courseTitle: z.string(),
  /** The grading queue right now (every course): submissions waiting, and how long the oldest has waited. */
  queue: z.object({ waiting: z.number().int(), training: z.number().int(), oldestWaitSeconds: z.number().nullable() }),
  exercises: z.array(
    z.object({
      slug: z.string(),
      title: z.string(),
      minTestAccuracy: z.number(),
      students: z.number().int(),
      /** Students with at least one submission. */
      submitted: z.number().int(),
      passed: z.number().int(),
      /** Submissions of the exercise queued or training now. */
      inProgress: z.number().int(),
      /** Best test accuracy per student in ten bins (as the class results). */
      distribution: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
      /** The most frequent reasons, most frequent first (at most 5). */
      failures: z.array(ZFailureReason),
    }),
  ),
});
export type TClassOverview = z.infer<typeof ZClassOverview>;
