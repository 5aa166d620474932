import { z } from 'zod';
import { ZEpochView } from './api-results';

/**
 * Lesson figures drawn from data: the step directives (`::training-grid`, `::accuracy-curve{model="dense"}`,
 * `::prediction-grid`, `::feature-maps`, `::max-pooling`), the reference-run files they are drawn from, and the API's
 * answer.
 */

export const LESSON_FIGURE_NAMES = ['training-grid', 'accuracy-curve', 'prediction-grid', 'feature-maps', 'max-pooling'] as const;
export const ZLessonFigureName = z.enum(LESSON_FIGURE_NAMES);
export type TLessonFigureName = z.infer<typeof ZLessonFigureName>;

const modelName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a reference run: lower-case letters, digits and dashes');

/** `?model=`: which reference run (a folder in the course's `reference-runs/`); each figure has a default. */
export const ZLessonFigureQuery = z.object({ model: modelName.optional() }).strict();
export type TLessonFigureQuery = z.infer<typeof ZLessonFigureQuery>;

/** One picture of a figure: `src` is an API path (the web reaches it through its /api proxy). */
export const ZLessonFigureImage = z.object({ src: z.string(), alt: z.string(), width: z.number().int(), height: z.number().int() });

/**
 * 2×2 max pooling worked on real numbers (`::max-pooling`): a 4×4 window of one feature map of a reference run (four
 * pools) and the 2×2 values `MaxPooling2D(pool_size=(2, 2))` keeps of it.
 */
export const ZPoolingExample = z.object({
  layerName: z.string(),
  /** Which of the layer's feature maps (0-based, as `intermediate_output[..., filter]`). */
  filter: z.number().int().nonnegative(),
  testImage: z.number().int().nonnegative(),
  /** Height and width of the whole feature map. */
  mapSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  /** Top-left cell of the window in the feature map (0-based row and column; both even, so the pools are the layer's). */
  row: z.number().int().nonnegative(),
  column: z.number().int().nonnegative(),
  window: z.array(z.array(z.number()).length(4)).length(4),
  pooled: z.array(z.array(z.number()).length(2)).length(2),
});
export type TPoolingExample = z.infer<typeof ZPoolingExample>;

/**
 * GET /api/courses/:slug/data-figures/:name. `unavailable` (e.g. CIFAR-10 not prepared on this server) says why in
 * words for the reader; `ready` has pictures (PNG) and/or the per-epoch history a chart is drawn from.
 */
export const ZLessonFigureView = z.discriminatedUnion('status', [
  z.object({ status: z.literal('unavailable'), name: ZLessonFigureName, model: z.string().nullable(), title: z.string(), message: z.string() }),
  z.object({
    status: z.literal('ready'),
    name: ZLessonFigureName,
    model: z.string().nullable(),
    title: z.string(),
    caption: z.string(),
    images: z.array(ZLessonFigureImage),
    /** Per-epoch metrics, for a chart the page draws itself (accuracy-curve); null otherwise. */
    history: z.array(ZEpochView).nullable(),
    /** The worked example of max pooling (max-pooling); null otherwise. */
    pooling: ZPoolingExample.nullable(),
  }),
]);
export type TLessonFigureView = z.infer<typeof ZLessonFigureView>;

/*
 * `exercises/<course>/reference-runs/<model>/`: what `./epoch grade --out` wrote for a reference solution (see that
 * folder's README). Extra fields are allowed: these are the grader's own outputs, read for what the figures need.
 */
export const ZReferenceRunResult = z
  .object({
    file: z.string(),
    exercise: z.string().nullable(),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    testAccuracy: z.number().min(0).max(1),
    testImages: z.number().int().positive(),
    epochs: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    seed: z.number().int(),
    limitTrain: z.number().int().nullable(),
    backend: z.object({ name: z.string(), threads: z.number().int() }).loose(),
  })
  .loose();
export type TReferenceRunResult = z.infer<typeof ZReferenceRunResult>;

export const ZReferenceRunHistory = z
  .array(
    z
      .object({
        epoch: z.number().int().positive(),
        loss: z.number(),
        accuracy: z.number(),
        valLoss: z.number().nullable(),
        valAccuracy: z.number().nullable(),
        seconds: z.number(),
      })
      .loose(),
  )
  .min(1);
export type TReferenceRunHistory = z.infer<typeof ZReferenceRunHistory>;

/** Predictions for test images by their position in the lesson's test split, with the label the run saw there. */
export const ZReferenceRunPredictions = z
  .array(
    z
      .object({
        index: z.number().int().nonnegative(),
        label: z.number().int().min(0).max(9),
        predicted: z.number().int().min(0).max(9),
      })
      .loose(),
  )
  .min(1);
export type TReferenceRunPredictions = z.infer<typeof ZReferenceRunPredictions>;

export const ZReferenceRunFeatureMaps = z.object({
  testImage: z.number().int().nonnegative(),
  layers: z.array(
    z
      .object({
        layerIndex: z.number().int().nonnegative(),
        layerName: z.string().regex(/^[a-z0-9_]+$/),
        /** height, width, channels of one image's activations (values are H×W×C, channels last). */
        shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
        values: z.array(z.number()),
      })
      .refine((l) => l.values.length === l.shape[0] * l.shape[1] * l.shape[2], {
        message: 'values must hold height × width × channels numbers',
        path: ['values'],
      }),
  ),
});
export type TReferenceRunFeatureMaps = z.infer<typeof ZReferenceRunFeatureMaps>;
