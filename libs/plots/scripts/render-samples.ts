/**
 * Writes one of each plot, drawn from synthetic data, to the folder given as the first argument.
 * Usage: npx tsx libs/plots/scripts/render-samples.ts /tmp/epoch-plots
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { accuracyPlot, confusionMatrixPlot, featureMapsPlot, imageGrid, lossPlot, mistakesGrid, predictionGrid, type PlotResult } from '../src/index';
import { CIFAR10_CLASSES, fakeConfusionMatrix, fakeFeatureMaps, fakeHistory, fakeImages, fakeLabels, fakePredictions } from '../src/fake-data';

const folder = process.argv[2];
if (!folder) {
  console.error('usage: render-samples.ts <output-folder>');
  process.exit(2);
}
const out = resolve(folder);
mkdirSync(out, { recursive: true });

const history = fakeHistory(15);
const actual = fakeLabels(100);
const images = fakeImages(actual);
const { predicted, confidence } = fakePredictions(actual);
const input = images.subarray(0, 32 * 32 * 3);

const plots: Record<string, () => PlotResult<unknown>> = {
  accuracy: () => accuracyPlot(history),
  loss: () => lossPlot(history),
  predictions: () => predictionGrid({ images, actual, predicted, classNames: CIFAR10_CLASSES }),
  'training-images': () => imageGrid({ images, labels: actual, classNames: CIFAR10_CLASSES }),
  'feature-maps-conv2d': () => featureMapsPlot({ layerName: 'conv2d', maps: fakeFeatureMaps(32, 32, 32), height: 32, width: 32, channels: 32, image: input }),
  'feature-maps-conv2d_2': () =>
    featureMapsPlot({ layerName: 'conv2d_2', maps: fakeFeatureMaps(8, 8, 64, 9), height: 8, width: 8, channels: 64, image: input }),
  'confusion-matrix': () => confusionMatrixPlot({ matrix: fakeConfusionMatrix(), classNames: CIFAR10_CLASSES }),
  mistakes: () => mistakesGrid({ images, actual, predicted, confidence, classNames: CIFAR10_CLASSES }),
};

for (const [name, draw] of Object.entries(plots)) {
  const started = performance.now();
  const plot = draw();
  writeFileSync(join(out, `${name}.png`), plot.png);
  writeFileSync(join(out, `${name}.svg`), plot.svg);
  writeFileSync(join(out, `${name}.json`), JSON.stringify(plot.data, null, 2));
  console.log(`${name}.png  ${plot.png.length} bytes  ${(performance.now() - started).toFixed(0)} ms`);
}
