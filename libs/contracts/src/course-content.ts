import { z } from 'zod';
import { ZGradingPolicy } from './grading-policy';

/** Course content as files under `exercises/<course>/` (see exercises/README.md); seeded into the database. */

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by hyphens');

export const ZCourseFile = z
  .object({
    slug,
    title: z.string().min(1),
    description: z.string().min(1),
    enrollmentCode: z.string().regex(/^[A-Z0-9-]{4,32}$/, '4–32 upper-case letters, digits or hyphens'),
    lessons: z
      .array(
        z.object({
          slug,
          title: z.string().min(1),
          /** Markdown files in `steps/`, in order; each starts with a `# Title` line. */
          steps: z.array(z.string().regex(/^[a-z0-9-]+\.md$/)).min(1),
        }),
      )
      .min(1),
    /** Exercise folders beside course.yaml, in order. */
    exercises: z.array(slug).min(1),
  })
  .strict();
export type TCourseFile = z.infer<typeof ZCourseFile>;

export const ZExerciseFile = z
  .object({
    slug,
    title: z.string().min(1),
    /** Markdown shown above the editor. */
    instructions: z.string().min(1),
    /** Python files beside exercise.yaml. */
    starter: z.string().regex(/\.py$/).default('starter.py'),
    solution: z.string().regex(/\.py$/).default('solution.py'),
    /** The lesson step the exercise belongs after (a step file name), for navigation. */
    afterStep: z
      .string()
      .regex(/^[a-z0-9-]+\.md$/)
      .optional(),
    policy: ZGradingPolicy,
  })
  .strict();
export type TExerciseFile = z.infer<typeof ZExerciseFile>;

/** Loaded, validated content: what the seed writes. */
export interface TCourseContent {
  course: TCourseFile;
  lessons: { slug: string; title: string; position: number; steps: { slug: string; title: string; position: number; body: string }[] }[];
  exercises: (TExerciseFile & { position: number; starterCode: string; solutionCode: string })[];
}
