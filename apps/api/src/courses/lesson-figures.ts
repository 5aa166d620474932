import type { z } from 'zod';
import {
  ZReferenceRunFeatureMaps,
  ZReferenceRunHistory,
  ZReferenceRunPredictions,
  ZReferenceRunResult,
  type TLessonFigureName,
  type TLessonFigureView,
  type TPoolingExample,
  type TReferenceRunFeatureMaps,
  type TReferenceRunHistory,
  type TReferenceRunPredictions,
  type TReferenceRunResult,
} from '@epoch/contracts';
import type { TCacheSample, TCacheSampleRead, TCacheSplitName } from '@epoch/datasets';
import { featureMapsPlot, imageGrid, predictionGrid } from '@epoch/plots';

/**
 * The lesson's data figures: what each directive shows, drawn from this server's prepared CIFAR-10 and the course's
 * reference runs (`exercises/<course>/reference-runs/<model>/`, the output of `./epoch grade`). Pure apart from reading
 * files: the service around it memoises the rendered pictures.
 */

/** The reference run a figure shows when the directive names none (null: the figure needs no run). */
export const DEFAULT_MODEL: Record<TLessonFigureName, string | null> = {
  'training-grid': null,
  'accuracy-curve': 'dense',
  'prediction-grid': 'dense',
  'feature-maps': 'model3',
  'max-pooling': 'model3',
};

const GRID = 25;
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString('en-US');

export const NOT_PREPARED =
  'This figure is drawn from CIFAR-10, which is not prepared on this server yet. An administrator can prepare it with `./epoch data prepare`; the figure then appears here.';

/** A figure's reference run is missing (404), as opposed to unavailable right now. */
export class FigureNotFoundError extends Error {}

export interface TReferenceRun {
  model: string;
  result: TReferenceRunResult;
  history: TReferenceRunHistory | null;
  predictions: TReferenceRunPredictions | null;
  featureMaps: TReferenceRunFeatureMaps | null;
}

/** Reads a file of a course (`reference-runs/<run>/<file>`): from the database in the API, from disk in tests. */
export type TCourseFileReader = (course: string, file: string) => Promise<Buffer | null>;

async function readJson<T>(read: TCourseFileReader, course: string, file: string, schema: z.ZodType<T>, required: boolean): Promise<T | null> {
  const bytes = await read(course, file);
  if (!bytes) {
    if (required) throw new FigureNotFoundError(file);
    return null;
  }
  const parsed = schema.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`reference run ${course}/${file} is invalid: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema mismatch'}`);
  }
  return parsed.data;
}

/** Reads `reference-runs/<model>/` of a course; FigureNotFoundError when the run does not exist. */
export async function loadReferenceRun(read: TCourseFileReader, course: string, model: string): Promise<TReferenceRun> {
  const file = (name: string) => `reference-runs/${model}/${name}`;
  try {
    const result = await readJson(read, course, file('result.json'), ZReferenceRunResult, true);
    const [history, predictions, featureMaps] = await Promise.all([
      readJson(read, course, file('history.json'), ZReferenceRunHistory, false),
      readJson(read, course, file('predictions.json'), ZReferenceRunPredictions, false),
      readJson(read, course, file('feature-maps.json'), ZReferenceRunFeatureMaps, false),
    ]);
    return { model, result: result!, history, predictions, featureMaps };
  } catch (e) {
    if (e instanceof FigureNotFoundError) throw new FigureNotFoundError(`course "${course}" has no reference run "${model}"`);
    throw e;
  }
}

/** The test images a figure needs from the dataset, and the labels the run saw at those positions. */
export function neededImages(
  name: TLessonFigureName,
  run: TReferenceRun | null,
): { split: TCacheSplitName; indices: number[]; labels: (number | null)[] } | null {
  switch (name) {
    case 'training-grid':
      return { split: 'train', indices: Array.from({ length: GRID }, (_, i) => i), labels: Array.from({ length: GRID }, () => null) };
    case 'accuracy-curve':
    case 'max-pooling':
      return null;
    case 'prediction-grid': {
      const p = run?.predictions?.slice(0, GRID) ?? [];
      return { split: 'test', indices: p.map((x) => x.index), labels: p.map((x) => x.label) };
    }
    case 'feature-maps': {
      const at = run?.featureMaps?.testImage ?? 0;
      return { split: 'test', indices: [at], labels: [run?.predictions?.find((x) => x.index === at)?.label ?? null] };
    }
  }
}

/**
 * A worked example of 2×2 max pooling on a real feature map: of every map of the run's first convolution layer, the
 * 4×4 window (on the pooling grid) whose values differ most (highest standard deviation), preferring windows where each
 * pool's largest value leads the others clearly (by CLEAR_LEAD, visible at the two decimals shown) and no value is a
 * ReLU zero, so the four winners are plain to see. Null when the run has no feature maps.
 */
const CLEAR_LEAD = 0.05;

export function poolingExample(maps: TReferenceRunFeatureMaps | null): TPoolingExample | null {
  const layer = maps?.layers[0];
  if (!maps || !layer) return null;
  const [height, width, channels] = layer.shape;
  const at = (r: number, c: number, f: number) => layer.values[(r * width + c) * channels + f]!;
  let best: { rank: number; sd: number; row: number; column: number; filter: number } | null = null;
  for (let f = 0; f < channels; f++) {
    for (let row = 0; row + 4 <= height; row += 2) {
      for (let column = 0; column + 4 <= width; column += 2) {
        const v = [0, 1, 2, 3].flatMap((r) => [0, 1, 2, 3].map((c) => at(row + r, column + c, f)));
        const mean = v.reduce((a, x) => a + x, 0) / 16;
        const sd = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / 16);
        const pools = [0, 1, 2, 3].map((p) => [0, 1, 2, 3].map((i) => v[(Math.floor(p / 2) * 2 + Math.floor(i / 2)) * 4 + (p % 2) * 2 + (i % 2)]!));
        // The winner leads the rest of its pool by a margin that shows at two decimals.
        const clear = pools.every((pool) => {
          const [first, second] = [...pool].sort((a, b) => b - a);
          return first! - second! >= CLEAR_LEAD;
        });
        const rank = (clear ? 2 : 0) + (v.every((x) => x > 0) ? 1 : 0);
        if (!best || rank > best.rank || (rank === best.rank && sd > best.sd)) best = { rank, sd, row, column, filter: f };
      }
    }
  }
  if (!best) return null;
  const { row, column, filter } = best;
  const window = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => at(row + r, column + c, filter)));
  const pooled = [0, 1].map((pr) => [0, 1].map((pc) => Math.max(...[0, 1].flatMap((r) => [0, 1].map((c) => window[pr * 2 + r]![pc * 2 + c]!)))));
  return { layerName: layer.layerName, filter, testImage: maps.testImage, mapSize: [height, width], row, column, window, pooled };
}

/** The PNG's pixel size, from its IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

export interface TRenderedFigure {
  view: TLessonFigureView;
  /** The figure's pictures by file name (what `view.images[].src` ends with). */
  files: Map<string, Uint8Array>;
}

const unavailable = (name: TLessonFigureName, model: string | null, title: string, message: string): TRenderedFigure => ({
  view: { status: 'unavailable', name, model, title, message },
  files: new Map(),
});

function title(name: TLessonFigureName, run: TReferenceRun | null): string {
  const what = run ? (run.model === 'dense' ? 'the dense network' : run.model) : '';
  switch (name) {
    case 'training-grid':
      return '25 training images with their labels';
    case 'accuracy-curve':
      return `Training and validation accuracy of ${what}`;
    case 'prediction-grid':
      return `Predictions of ${what} on 25 test images`;
    case 'feature-maps':
      return `Feature maps of ${what} for one test image`;
    case 'max-pooling':
      return `2×2 max pooling on a feature map of ${what}`;
  }
}

/** Where the run came from, in words: solution, epochs, data, settings, backend. */
function provenance(run: TReferenceRun): string {
  const r = run.result;
  const data = r.limitTrain ? `${count(r.limitTrain)} training images` : 'the full training data';
  return (
    `Epoch's reference run of ${r.file.replace(/^exercises\/[^/]+\//, '')}: ${r.epochs} epochs on ${data} (batch ${r.batchSize}, seed ${r.seed}, ${r.backend.name} backend), ` +
    `${pct(r.testAccuracy)} on the ${count(r.testImages)} test images.`
  );
}

/**
 * Draws one figure. `sample` is the dataset read for `neededImages` (null when the figure needs none); `src` makes the
 * API path of a picture from its file name.
 */
export function renderLessonFigure(
  name: TLessonFigureName,
  run: TReferenceRun | null,
  sample: TCacheSampleRead | null,
  src: (file: string) => string,
): TRenderedFigure {
  const model = run?.model ?? null;
  const heading = title(name, run);
  const need = neededImages(name, run);
  let data: TCacheSample | null = null;
  if (need) {
    if (need.indices.length === 0)
      return unavailable(name, model, heading, `The reference run "${model}" has no ${name === 'feature-maps' ? 'feature maps' : 'predictions'} to show.`);
    if (!sample || !sample.ok) {
      return unavailable(
        name,
        model,
        heading,
        sample && sample.reason !== 'no cache yet'
          ? `This figure is drawn from CIFAR-10, but this server's prepared copy cannot be read (${sample.reason}). An administrator can prepare it again with \`./epoch data prepare\`.`
          : NOT_PREPARED,
      );
    }
    data = sample.sample;
    if (need.labels.some((l, i) => l !== null && l !== data!.labels[i])) {
      return unavailable(
        name,
        model,
        heading,
        "This server's copy of CIFAR-10 holds other test images at these positions than the copy the reference run used (it was prepared from another source), so the run's results cannot be shown on them.",
      );
    }
  }
  const files = new Map<string, Uint8Array>();
  const images: { src: string; alt: string; width: number; height: number }[] = [];
  const add = (file: string, png: Uint8Array, alt: string) => {
    files.set(file, png);
    images.push({ src: src(file), alt, ...pngSize(png) });
  };
  switch (name) {
    case 'training-grid': {
      const grid = imageGrid({ images: data!.images, labels: data!.labels, classNames: data!.classNames, title: 'The first 25 training images' });
      add('training-grid.png', grid.png, `25 CIFAR-10 training images: ${grid.data.tiles.map((t) => t.labelName).join(', ')}`);
      const prepared = data!.manifest.createdAt.slice(0, 10);
      return {
        files,
        view: {
          status: 'ready',
          name,
          model,
          title: heading,
          images,
          history: null,
          pooling: null,
          caption: `The first 25 images of the lesson's training split, read from this server's copy of CIFAR-10 (prepared ${prepared} from ${data!.manifest.source.kind.replace('-', ' ')}), each titled with its class.`,
        },
      };
    }
    case 'accuracy-curve': {
      if (!run?.history) return unavailable(name, model, heading, `The reference run "${model}" has no per-epoch history.`);
      const last = run.history[run.history.length - 1]!;
      const history = run.history.map((h) => ({
        attempt: 1,
        epoch: h.epoch,
        loss: h.loss,
        accuracy: h.accuracy,
        valLoss: h.valLoss,
        valAccuracy: h.valAccuracy,
        seconds: h.seconds,
      }));
      return {
        files,
        view: {
          status: 'ready',
          name,
          model,
          title: heading,
          images,
          history,
          pooling: null,
          caption: `${provenance(run)} After the last epoch: ${pct(last.accuracy)} on the training data, ${last.valAccuracy === null ? 'no validation score' : `${pct(last.valAccuracy)} on the validation data`}.`,
        },
      };
    }
    case 'prediction-grid': {
      const preds = run!.predictions!.slice(0, GRID);
      const grid = predictionGrid({ images: data!.images, actual: data!.labels, predicted: preds.map((p) => p.predicted), classNames: data!.classNames });
      add('prediction-grid.png', grid.png, `${grid.data.shown} test images with predicted (P) and actual (A) classes; ${grid.data.correct} right`);
      return {
        files,
        view: {
          status: 'ready',
          name,
          model,
          title: heading,
          images,
          history: null,
          pooling: null,
          caption: `P: the predicted class, A: the actual class; green when right, red when wrong. ${grid.data.correct} of these ${grid.data.shown} are right. ${provenance(run!)}`,
        },
      };
    }
    case 'feature-maps': {
      const maps = run!.featureMaps!;
      for (const layer of maps.layers) {
        const [height, width, channels] = layer.shape;
        const plot = featureMapsPlot({ layerName: layer.layerName, maps: Float32Array.from(layer.values), height, width, channels, image: data!.images });
        add(
          `${layer.layerName}.png`,
          plot.png,
          `The ${channels} feature maps (${height}×${width}) of layer ${layer.layerName} for the test image shown beside its title`,
        );
      }
      const shapes = maps.layers.map((l) => `${l.layerName}: ${l.shape[2]} maps of ${l.shape[0]}×${l.shape[1]}`).join('; ');
      return {
        files,
        view: {
          status: 'ready',
          name,
          model,
          title: heading,
          images,
          history: null,
          pooling: null,
          caption: `Test image ${maps.testImage} (a ${data!.classNames[data!.labels[0]!]}) and what each convolution layer makes of it (${shapes}); each map is scaled to its own range, dark for low and yellow for high. ${provenance(run!)}`,
        },
      };
    }
    case 'max-pooling': {
      const pooling = poolingExample(run?.featureMaps ?? null);
      if (!pooling) return unavailable(name, model, heading, `The reference run "${model}" has no feature maps to pool.`);
      const rows = `rows ${pooling.row}–${pooling.row + 3}, columns ${pooling.column}–${pooling.column + 3}`;
      return {
        files,
        view: {
          status: 'ready',
          name,
          model,
          title: heading,
          images,
          history: null,
          pooling,
          caption: `Sixteen real values of feature map ${pooling.filter} of layer ${pooling.layerName} (${pooling.mapSize[0]}×${pooling.mapSize[1]}) for test image ${pooling.testImage}, ${rows}: each 2×2 pool keeps only its largest value, so 16 values become 4. ${provenance(run!)}`,
        },
      };
    }
  }
}
