import { accuracyPlot, confusionMatrixPlot, featureMapsPlot, lossPlot, mistakesGrid, predictionGrid, type PlotResult } from '@epoch/plots';
import type { TEvaluation } from '../evaluate/evaluate';
import type { TFeatureMaps } from '../evaluate/feature-maps';
import type { TEpochStats } from '../train/train';
import type { TImageSet } from '../train/image-batches';

/** Artifact kinds, as in the database's ArtifactKind enum. */
export type TArtifactKind =
  'ACCURACY_PLOT' | 'LOSS_PLOT' | 'PREDICTIONS_GRID' | 'FEATURE_MAPS' | 'CONFUSION_MATRIX' | 'MISTAKES_GRID' | 'WEIGHTS' | 'DATA_JSON';

export interface TArtifactFile {
  kind: TArtifactKind;
  /** Unique per submission; the API serves it at /api/submissions/:id/artifacts/:name. */
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface TPlotInputs {
  history: TEpochStats[];
  evaluation: TEvaluation;
  /** The (limited) test set the evaluation ran on; predictions are indexed into it. */
  test: TImageSet;
  classNames: readonly string[];
  /** Feature maps of each Conv2D layer for test image `featureImage`. */
  featureMaps: TFeatureMaps[];
  featureImage: number;
}

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function pair<T>(kind: TArtifactKind, base: string, plot: PlotResult<T>, extra: Record<string, unknown> = {}): TArtifactFile[] {
  return [
    { kind, name: `${base}.png`, contentType: 'image/png', bytes: plot.png },
    { kind, name: `${base}.json`, contentType: 'application/json', bytes: json({ ...extra, ...plot.data }) },
  ];
}

function imagesAt(set: TImageSet, indices: readonly number[]): Uint8Array {
  const per = set.height * set.width * set.channels;
  const out = new Uint8Array(indices.length * per);
  indices.forEach((idx, i) => out.set(set.images.subarray(idx * per, (idx + 1) * per), i * per));
  return out;
}

/** File-safe form of a layer name for an artifact name. */
const slug = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_');

/**
 * Every plot of a graded submission as PNG, with the numbers behind it as JSON (except the curves: their numbers are the
 * epochs the database keeps): accuracy and loss per epoch, a 5×5 prediction grid, feature maps of each convolution
 * layer, the confusion matrix and the most confident mistakes.
 */
export function renderPlotArtifacts(input: TPlotInputs): TArtifactFile[] {
  const { evaluation: ev, test, classNames } = input;
  const files: TArtifactFile[] = [];
  // The curves' numbers are the attempt's epochs, stored once as its EpochMetric rows: only the pictures here.
  files.push({ kind: 'ACCURACY_PLOT', name: 'accuracy.png', contentType: 'image/png', bytes: accuracyPlot(input.history).png });
  files.push({ kind: 'LOSS_PLOT', name: 'loss.png', contentType: 'image/png', bytes: lossPlot(input.history).png });

  const preds = ev.predictions;
  const size = { imageHeight: test.height, imageWidth: test.width };
  const first = preds.slice(0, 25);
  files.push(
    ...pair(
      'PREDICTIONS_GRID',
      'predictions',
      predictionGrid({
        ...size,
        images: imagesAt(
          test,
          first.map((p) => p.index),
        ),
        actual: first.map((p) => p.label),
        predicted: first.map((p) => p.predicted),
        classNames,
      }),
      { testIndices: first.map((p) => p.index) },
    ),
  );

  for (const fm of input.featureMaps) {
    const [height = 1, width = 1, channels = 1] = fm.shape;
    files.push(
      ...pair(
        'FEATURE_MAPS',
        `feature-maps-${String(fm.layerIndex).padStart(2, '0')}-${slug(fm.layerName)}`,
        featureMapsPlot({
          layerName: fm.layerName,
          maps: fm.values,
          height,
          width,
          channels,
          image: imagesAt(test, [input.featureImage]),
          imageHeight: test.height,
          imageWidth: test.width,
        }),
        { layerIndex: fm.layerIndex, testIndex: input.featureImage },
      ),
    );
  }

  files.push(...pair('CONFUSION_MATRIX', 'confusion-matrix', confusionMatrixPlot({ matrix: ev.confusionMatrix, classNames })));

  // Every evaluated test image goes in (tile index = test index); the plot ranks the mistakes by confidence.
  const per = test.height * test.width * test.channels;
  const inOrder = preds.every((p, i) => p.index === i);
  const clamp = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : v);
  files.push(
    ...pair(
      'MISTAKES_GRID',
      'mistakes',
      mistakesGrid({
        ...size,
        images: inOrder
          ? test.images.subarray(0, preds.length * per)
          : imagesAt(
              test,
              preds.map((p) => p.index),
            ),
        actual: preds.map((p) => p.label),
        predicted: preds.map((p) => p.predicted),
        confidence: preds.map((p) => clamp(p.probabilities[p.predicted] ?? 0)),
        classNames,
      }),
      inOrder ? {} : { testIndices: preds.map((p) => p.index) },
    ),
  );
  return files;
}
