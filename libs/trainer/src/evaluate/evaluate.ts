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
  /** The private part of a held-out split (with `privateMask`); the fields above are then the public part's. */
  heldOut?: TEvaluationPart;
}

export interface TEvaluateOptions {
  batchSize?: number;
  limit?: number;
  /** Test images (indices into the limited set) whose full predictions are returned, e.g. for the prediction grid. */
  predictionIndices?: number[];
  /**
   * A held-out split (1 = private, per image of the limited set): the evaluation then covers the public images only,
   * and `heldOut` the private ones, from the same pass over the data.
   */
  privateMask?: Uint8Array;
}

/** The numbers of one part of the test set. */
export type TEvaluationPart = Omit<TEvaluation, 'predictions' | 'heldOut'>;

class Tally {
  readonly confusion: number[][];
  lossSum = 0;
  correct = 0;
  count = 0;
  constructor(k: number) {
    this.confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  }
  add(label: number, predicted: number, loss: number): void {
    this.lossSum += loss;
    this.count++;
    if (predicted === label) this.correct++;
    (this.confusion[label] as number[])[predicted]++;
  }
  part(): TEvaluationPart {
    return {
      count: this.count,
      testLoss: this.lossSum / Math.max(1, this.count),
      testAccuracy: this.correct / Math.max(1, this.count),
      perClassAccuracy: this.confusion.map((row, c) => {
        const total = row.reduce((a, b) => a + b, 0);
        return total === 0 ? null : (row[c] as number) / total;
      }),
      confusionMatrix: this.confusion,
    };
  }
}

/** Test loss and accuracy, per-class accuracy, confusion matrix and chosen predictions, in inference mode. */
export async function evaluate(built: TBuiltModel, test: TImageSet, opts: TEvaluateOptions = {}): Promise<TEvaluation> {
  const set = limitImageSet(test, opts.limit);
  assertImageSet(set, 'test data', built.spec.inputShape);
  const k = built.numClasses;
  const mask = opts.privateMask;
  if (mask && mask.length < set.count) throw new Error(`the held-out mask covers ${mask.length} of the ${set.count} test images`);
  const pub = new Tally(k);
  const priv = new Tally(k);
  const wanted = new Set(opts.predictionIndices ?? []);
  for (const i of wanted) {
    if (!Number.isInteger(i) || i < 0 || i >= set.count) throw new Error(`prediction index ${i} is outside the ${set.count} test images`);
  }
  const predictions: TPrediction[] = [];
  await predictInBatches(built, set, opts.batchSize ?? 256, (start, outputs, losses) => {
    for (let i = 0; i < losses.length; i++) {
      const index = start + i;
      const label = set.labels[index];
      const predicted = argMax(outputs, i * k, k);
      if (mask && mask[index] === 1) {
        priv.add(label, predicted, losses[i]);
        continue;
      }
      pub.add(label, predicted, losses[i]);
      if (wanted.has(index)) predictions.push({ index, label, predicted, probabilities: Array.from(outputs.subarray(i * k, (i + 1) * k)) });
    }
  });
  predictions.sort((a, b) => (opts.predictionIndices ?? []).indexOf(a.index) - (opts.predictionIndices ?? []).indexOf(b.index));
  return { ...pub.part(), predictions, ...(mask ? { heldOut: priv.part() } : {}) };
}
