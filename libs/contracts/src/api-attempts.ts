import { z } from 'zod';
import { ZCountedResult } from './api-schedule';
import { ZSubmissionStatus } from './api-submissions';

/** One attempt of a student at an exercise (GET /api/courses/:course/exercises/:slug/attempts/:userId). */
export const ZStudentAttempt = z.object({
  submissionId: z.string(),
  /** 1 for the student's first submission of the exercise. */
  number: z.number().int().min(1),
  createdAt: z.iso.datetime(),
  /** As the viewer is shown it (GRADED while the result is hidden from the student). */
  status: ZSubmissionStatus,
  late: z.boolean(),
  testAccuracy: z.number().nullable(),
  perClassAccuracy: z.array(z.number()).nullable(),
  /** The epochs of the attempt that produced the result (empty without one). */
  history: z.array(
    z.object({ epoch: z.number().int(), loss: z.number(), accuracy: z.number(), valLoss: z.number().nullable(), valAccuracy: z.number().nullable() }),
  ),
  source: z.string(),
});
export type TStudentAttempt = z.infer<typeof ZStudentAttempt>;

export const ZStudentAttempts = z.object({
  courseSlug: z.string(),
  exerciseSlug: z.string(),
  exerciseTitle: z.string(),
  student: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  /** The counting rule of the exercise, and the attempt that counts under it (null: none graded, or results hidden). */
  rule: z.enum(['BEST', 'LAST']),
  counted: ZCountedResult.nullable(),
  /** Oldest first. */
  attempts: z.array(ZStudentAttempt),
});
export type TStudentAttempts = z.infer<typeof ZStudentAttempts>;
