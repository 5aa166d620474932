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

/** A code file's path inside the exercise folder: `/`-separated names, no `..`, no leading `/`, ending in `.py`. */
const exerciseCodePath = z
  .string()
  .regex(/^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*\/){0,3}[A-Za-z0-9_][A-Za-z0-9_.-]*\.py$/, 'a .py file inside the exercise folder, e.g. variants/no-dropout.py');

/**
 * A "wrong" variant of the reference solution that the instructor wants the pass mark to fail (a model the lesson
 * warns about, say model3 without dropout): calibration trains it like the solution, to show whether the mark tells
 * the two apart. Its code must pass the exercise's checks (it is trained, not refused).
 */
export const ZCalibrationVariantFile = z
  .object({
    /** How the policy page, the command line (`--variant NAME`) and the API name it; unique within the exercise. */
    name: slug.max(40),
    /** The Python file beside exercise.yaml (or in a folder under it). */
    file: exerciseCodePath,
    /** One sentence on what is wrong with it, shown beside its numbers. */
    description: z.string().min(1).max(300).optional(),
  })
  .strict();
export type TCalibrationVariantFile = z.infer<typeof ZCalibrationVariantFile>;

/** The most calibration variants an exercise may list. */
export const MAX_CALIBRATION_VARIANTS = 10;

/** A calibration variant as stored on the exercise (Exercise.calibrationVariants): the file's entry with its code. */
export const ZCalibrationVariant = z.object({
  name: z.string(),
  file: z.string(),
  description: z.string().nullable(),
  code: z.string(),
});
export type TCalibrationVariant = z.infer<typeof ZCalibrationVariant>;

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
    /** Wrong variants of the solution that calibration trains too (see ZCalibrationVariantFile). */
    calibrationVariants: z.array(ZCalibrationVariantFile).max(MAX_CALIBRATION_VARIANTS).default([]),
  })
  .strict();
export type TExerciseFile = z.infer<typeof ZExerciseFile>;

/** Loaded, validated content: what a content sync writes. */
export interface TCourseContent {
  course: TCourseFile;
  lessons: { slug: string; title: string; position: number; steps: { slug: string; title: string; position: number; body: string }[] }[];
  exercises: (Omit<TExerciseFile, 'calibrationVariants'> & {
    position: number;
    starterCode: string;
    solutionCode: string;
    calibrationVariants: TCalibrationVariant[];
  })[];
}
