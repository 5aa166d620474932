import { z } from 'zod';
import { ZGradingPolicy } from './grading-policy';

/**
 * Course content as files: a course folder (see docs/COURSE-FORMAT.md, whose JSON Schema is generated from these
 * schemas), loaded into the database by `./epoch content sync` and the web's content page (the seed uses the same).
 */

/**
 * Path segments of a course's own pages (`/courses/<slug>/<segment>`): a lesson may not take one as its slug, or its
 * steps' addresses would collide with those pages.
 */
export const RESERVED_LESSON_SLUGS = ['exercises', 'join', 'members', 'content', 'gradebook', 'settings', 'versions'] as const;

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by hyphens');

export const ZCourseFile = z
  .object({
    slug,
    title: z.string().min(1),
    description: z.string().min(1),
    /**
     * The code students join with, used only when the course is created (instructors change it in the web app
     * afterwards); without it a random code is chosen. A code in a public repository is public: leave it out there.
     */
    enrollmentCode: z
      .string()
      .regex(/^[A-Z0-9-]{4,32}$/, '4–32 upper-case letters, digits or hyphens')
      .optional(),
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

/** Loaded, validated content: what a content sync writes. */
export interface TCourseContent {
  course: TCourseFile;
  lessons: { slug: string; title: string; position: number; steps: { slug: string; title: string; position: number; body: string }[] }[];
  exercises: (TExerciseFile & { position: number; starterCode: string; solutionCode: string })[];
}
