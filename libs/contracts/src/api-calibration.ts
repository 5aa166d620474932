import { z } from 'zod';

/** POST /api/exercises/:slug/calibration (admins): train the reference solution with this many seeds. */
export const ZCalibrationRequest = z.object({ seeds: z.number().int().min(1).max(50) }).strict();
export type TCalibrationRequest = z.infer<typeof ZCalibrationRequest>;

/**
 * GET /api/exercises/:slug/calibration: the latest calibration of the exercise's pass mark. The distribution covers the
 * seeds trained so far (null until one is); `failing` counts the seeds whose accuracy fails the current pass mark.
 */
export const ZCalibrationView = z.object({
  id: z.string(),
  createdAt: z.string(),
  seeds: z.number().int(),
  policyVersion: z.number().int(),
  /** Per seed: its run's status and, once trained, the accuracy that counts (the held-out part's under a split). */
  runs: z.array(z.object({ seed: z.number().int(), status: z.string(), testAccuracy: z.number().nullable() })),
  done: z.number().int(),
  distribution: z.object({ min: z.number(), p5: z.number(), median: z.number(), max: z.number(), values: z.array(z.number()) }).nullable(),
  passMark: z.number(),
  failing: z.number().int(),
  /** The lowest seed's accuracy minus the margin (rounded down to 0.1 %), or null before any seed is trained. */
  suggestedPassMark: z.number().nullable(),
  summary: z.string(),
});
export type TCalibrationView = z.infer<typeof ZCalibrationView>;

/** The answer of both calibration routes: the latest calibration, or null when the exercise was never calibrated. */
export const ZCalibrationState = z.object({ calibration: ZCalibrationView.nullable() });
export type TCalibrationState = z.infer<typeof ZCalibrationState>;
