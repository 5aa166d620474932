import { z } from 'zod';

/**
 * POST /api/courses/:course/exercises/:slug/calibration (admins): train the reference solution, or one of the
 * exercise's wrong variants (calibrationVariants in its exercise.yaml), with this many seeds.
 */
export const ZCalibrationRequest = z
  .object({
    seeds: z.number().int().min(1).max(50),
    /** A wrong variant's name; absent or null: the reference solution. */
    variant: z.string().min(1).max(40).nullable().optional(),
  })
  .strict();
export type TCalibrationRequest = z.infer<typeof ZCalibrationRequest>;

/**
 * One calibration: the reference solution's (variant null) or a wrong variant's seeds. The distribution covers the
 * seeds trained so far (null until one is); `failing` and `passing` count the trained seeds against the current pass
 * mark (decide(), the one rule). For the reference solution failing seeds are the problem, for a wrong variant
 * passing ones.
 */
export const ZCalibrationView = z.object({
  id: z.string(),
  createdAt: z.string(),
  /** The wrong variant trained (its name); null: the reference solution. */
  variant: z.string().nullable(),
  seeds: z.number().int(),
  policyVersion: z.number().int(),
  /** Per seed: its run's status and, once trained, the accuracy that counts (the held-out part's under a split). */
  runs: z.array(z.object({ seed: z.number().int(), status: z.string(), testAccuracy: z.number().nullable() })),
  done: z.number().int(),
  distribution: z.object({ min: z.number(), p5: z.number(), median: z.number(), max: z.number(), values: z.array(z.number()) }).nullable(),
  passMark: z.number(),
  failing: z.number().int(),
  passing: z.number().int(),
  /**
   * The reference solution's lowest seed minus the margin (rounded down to 0.1 %), or null before any seed is trained;
   * always null for a wrong variant (the state's `suggestion` weighs the variants).
   */
  suggestedPassMark: z.number().nullable(),
  summary: z.string(),
});
export type TCalibrationView = z.infer<typeof ZCalibrationView>;

/** A wrong variant the exercise lists, with its latest calibration (null: never calibrated). */
export const ZCalibrationVariantState = z.object({
  name: z.string(),
  description: z.string().nullable(),
  /** Its file in the course (`variants/no-dropout.py`). */
  file: z.string(),
  calibration: ZCalibrationView.nullable(),
});
export type TCalibrationVariantState = z.infer<typeof ZCalibrationVariantState>;

/**
 * The pass mark suggested from the reference solution's seeds and the wrong variants' together, once both have a
 * trained seed. `separates`: the mark passes every trained seed of the reference solution and fails every trained seed
 * of every wrong variant; false when no mark can (a wrong variant's best seed reaches the reference's lowest), and the
 * mark is then the reference solution's own suggestion. `closest`: the wrong variants' highest seed.
 */
export const ZCalibrationSuggestion = z.object({
  passMark: z.number(),
  separates: z.boolean(),
  closest: z.object({ variant: z.string(), seed: z.number().int(), testAccuracy: z.number() }),
  summary: z.string(),
});
export type TCalibrationSuggestion = z.infer<typeof ZCalibrationSuggestion>;

/**
 * The answer of both calibration routes: the reference solution's latest calibration (null when never calibrated),
 * every wrong variant the exercise lists with its latest one, and the suggestion that weighs them (null until both
 * the reference solution and a variant have a trained seed).
 */
export const ZCalibrationState = z.object({
  calibration: ZCalibrationView.nullable(),
  variants: z.array(ZCalibrationVariantState),
  suggestion: ZCalibrationSuggestion.nullable(),
});
export type TCalibrationState = z.infer<typeof ZCalibrationState>;
