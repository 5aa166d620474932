import type { TBuiltModel } from '../model/build-model';
import { assertImageSet, limitImageSet, type TImageSet } from '../train/image-batches';
import { argMax, predictInBatches } from './loss-accuracy';

export interface TPrediction {
  index: number;
  label: number;
  predicted: number;
  probabilities: number[];
}

export interface TEvaluation {
  count: number;
  testLoss: number;
  testAccuracy: number;
  /** Accuracy per true class (null for a class with no test images). */
  perClassAccuracy: (number | null)[];
  /** confusionMatrix[trueClass][predictedClass] = number of test images. */
  confusionMatrix: number[][];
  predictions: TPrediction[];
}

export interface TEvaluateOptions {
  batchSize?: number;
  limit?: number;
  /** Test images (indices into the limited set) whose full predictions are returned, e.g. for the prediction grid. */
  predictionIndices?: number[];
}

/** Test loss and accuracy, per-class accuracy, confusion matrix and chosen predictions, in inference mode. */
export async function evaluate(built: TBuiltModel, test: TImageSet, opts: TEvaluateOptions = {}): Promise<TEvaluation> {
  const set = limitImageSet(test, opts.limit);
  assertImageSet(set, 'test data', built.spec.inputShape);
  const k = built.numClasses;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const wanted = new Set(opts.predictionIndices ?? []);
  for (const i of wanted) {
    if (!Number.isInteger(i) || i < 0 || i >= set.count) throw new Error(`prediction index ${i} is outside the ${set.count} test images`);
  }
  const predictions: TPrediction[] = [];
  let lossSum = 0;
  let correct = 0;
  await predictInBatches(built, set, opts.batchSize ?? 256, (start, outputs, losses) => {
    for (let i = 0; i < losses.length; i++) {
      const index = start + i;
      const label = set.labels[index];
      const predicted = argMax(outputs, i * k, k);
      lossSum += losses[i];
      if (predicted === label) correct++;
      confusion[label][predicted]++;
      if (wanted.has(index)) predictions.push({ index, label, predicted, probabilities: Array.from(outputs.subarray(i * k, (i + 1) * k)) });
    }
  });
  const perClassAccuracy = confusion.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? null : row[c] / total;
  });
  predictions.sort((a, b) => (opts.predictionIndices ?? []).indexOf(a.index) - (opts.predictionIndices ?? []).indexOf(b.index));
  return {
    count: set.count,
    testLoss: lossSum / Math.max(1, set.count),
    testAccuracy: correct / Math.max(1, set.count),
    perClassAccuracy,
    confusionMatrix: confusion,
    predictions,
  };
}
