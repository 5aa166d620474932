import { PlotInputError } from './errors';
import { finish } from './render';
import { CAPTION_BLACK, CAPTION_RED, GREEN, splitImages, tileGrid, type ImageSize, type TileGridLayout } from './tile-grid';
import type { PlotResult } from './types';
import { describe, requireArray, requireClassNames, requireLabels, requirePositiveInt } from './validate';

const GRID_SIZE = 25;

export interface PredictionGridInput extends ImageSize {
  /** N×32×32×3 HWC RGB bytes. */
  images: Uint8Array;
  actual: readonly number[];
  predicted: readonly number[];
  classNames: readonly string[];
}

export interface PredictionTile {
  /** Index of the image in the input. */
  index: number;
  actual: number;
  predicted: number;
  actualName: string;
  predictedName: string;
  correct: boolean;
}

export interface PredictionGridData {
  /** Images given; the grid shows the first 25. */
  total: number;
  shown: number;
  correct: number;
  tiles: PredictionTile[];
  layout: TileGridLayout;
}

export interface ImageGridInput extends ImageSize {
  images: Uint8Array;
  labels: readonly number[];
  classNames: readonly string[];
  title?: string;
}

export interface ImageGridData {
  total: number;
  shown: number;
  tiles: { index: number; label: number; labelName: string }[];
  layout: TileGridLayout;
}

export interface MistakesGridInput extends PredictionGridInput {
  /** The model's probability for its predicted class, 0–1, per image. */
  confidence: readonly number[];
  /** How many mistakes to show (default 25, at most 50). */
  count?: number;
}

export interface MistakeTile extends PredictionTile {
  confidence: number;
}

export interface MistakesGridData {
  total: number;
  mistakes: number;
  shown: number;
  tiles: MistakeTile[];
  /** Images whose confidence was NaN/Infinity: left out of the ranking. */
  skipped: { index: number; confidence: string }[];
  layout: TileGridLayout;
}

function caption(t: PredictionTile): [string, string] {
  return [`P: ${t.predictedName}`, `(A: ${t.actualName})`];
}

function predictionTiles(input: PredictionGridInput) {
  if (typeof input !== 'object' || input === null) throw new PlotInputError('input', `expected an object, got ${describe(input)}`);
  const classNames = requireClassNames(input.classNames);
  const count = requireArray(input.actual, 'actual').length;
  const images = splitImages(input.images, 'images', input, count);
  const actual = requireLabels(input.actual, 'actual', count, classNames.length);
  const predicted = requireLabels(input.predicted, 'predicted', count, classNames.length);
  const tiles: PredictionTile[] = actual.map((a, index) => ({
    index,
    actual: a,
    predicted: predicted[index]!,
    actualName: classNames[a]!,
    predictedName: classNames[predicted[index]!]!,
    correct: a === predicted[index],
  }));
  return { images, tiles };
}

/** The lesson's 5×5 test-image grid: "P: predicted (A: actual)", green when right, red when wrong. */
export function predictionGrid(input: PredictionGridInput): PlotResult<PredictionGridData> {
  const { images, tiles } = predictionTiles(input);
  const shown = tiles.slice(0, GRID_SIZE);
  const correct = shown.filter((t) => t.correct).length;
  const { svg, layout } = tileGrid(
    shown.length ? `Predictions on test images (${correct} of ${shown.length} correct)` : 'Predictions on test images',
    shown.map((t) => ({ image: images[t.index]!, caption: { parts: caption(t), color: t.correct ? GREEN : CAPTION_RED } })),
    'No images to show',
  );
  return finish(svg, { total: tiles.length, shown: shown.length, correct, tiles: shown, layout });
}

/** The lesson's 5×5 grid of training images, each captioned with its class. */
export function imageGrid(input: ImageGridInput): PlotResult<ImageGridData> {
  if (typeof input !== 'object' || input === null) throw new PlotInputError('input', `expected an object, got ${describe(input)}`);
  const classNames = requireClassNames(input.classNames);
  const count = requireArray(input.labels, 'labels').length;
  const images = splitImages(input.images, 'images', input, count);
  const labels = requireLabels(input.labels, 'labels', count, classNames.length);
  const tiles = labels.slice(0, GRID_SIZE).map((label, index) => ({ index, label, labelName: classNames[label]! }));
  const { svg, layout } = tileGrid(
    input.title ?? 'Training images',
    tiles.map((t) => ({ image: images[t.index]!, caption: { parts: [t.labelName] as [string], color: CAPTION_BLACK } })),
    'No images to show',
  );
  return finish(svg, { total: count, shown: tiles.length, tiles, layout });
}

/** The mistakes the model was surest about, most confident first, captioned with that confidence. */
export function mistakesGrid(input: MistakesGridInput): PlotResult<MistakesGridData> {
  const { images, tiles } = predictionTiles(input);
  const limit = input.count === undefined ? GRID_SIZE : requirePositiveInt(input.count, 'count');
  if (limit > 50) throw new PlotInputError('count', `expected at most 50 images, got ${limit}`);
  const confidence = requireArray(input.confidence, 'confidence');
  if (confidence.length !== tiles.length) {
    throw new PlotInputError('confidence', `expected ${tiles.length} entries (one per image), got ${confidence.length}`);
  }
  const skipped: MistakesGridData['skipped'] = [];
  const mistakes: MistakeTile[] = [];
  confidence.forEach((c, i) => {
    if (typeof c !== 'number') throw new PlotInputError(`confidence[${i}]`, `expected a number, got ${describe(c)}`);
    if (!Number.isFinite(c)) return void skipped.push({ index: i, confidence: String(c) });
    if (c < 0 || c > 1) throw new PlotInputError(`confidence[${i}]`, `expected a probability 0–1, got ${c}`);
    if (!tiles[i]!.correct) mistakes.push({ ...tiles[i]!, confidence: c });
  });
  mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  const shown = mistakes.slice(0, limit);
  const { svg, layout } = tileGrid(
    shown.length ? `Most confident mistakes (${shown.length} of ${mistakes.length})` : 'Most confident mistakes',
    shown.map((t) => ({
      image: images[t.index]!,
      caption: { parts: caption(t), color: CAPTION_RED },
      detail: { text: `${(t.confidence * 100).toFixed(1)}% confident`, color: '#555555' },
    })),
    tiles.length ? 'No mistakes: every image was classified correctly' : 'No images to show',
  );
  return finish(svg, { total: tiles.length, mistakes: mistakes.length, shown: shown.length, tiles: shown, skipped, layout });
}
