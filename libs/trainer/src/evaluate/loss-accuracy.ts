import * as tf from '@tensorflow/tfjs-core';
import type { TBuiltModel } from '../model/build-model';
import { makeBatch, sequentialIndices, type TImageSet } from '../train/image-batches';

export interface TBatchPredictions {
  /** Row-major [count, numClasses] class probabilities (the model's outputs). */
  outputs: Float32Array;
  lossSum: number;
}

/** Runs the model in inference mode over `set` in batches; calls `onBatch` with each batch's outputs. */
export async function predictInBatches(
  built: TBuiltModel,
  set: TImageSet,
  batchSize: number,
  onBatch: (start: number, outputs: Float32Array, losses: Float32Array) => void,
): Promise<void> {
  const indices = sequentialIndices(set.count);
  for (let start = 0; start < set.count; start += batchSize) {
    const end = Math.min(set.count, start + batchSize);
    const { x, y } = makeBatch(set, indices, start, end, built.numClasses);
    const [out, loss] = tf.tidy(() => {
      // the whole batch at once (predict's default would split it into batches of 32 and concatenate them)
      const p = built.model.predict(x, { batchSize: end - start }) as tf.Tensor;
      return [p, built.loss(y, p)];
    });
    x.dispose();
    y.dispose();
    const [o, l] = await Promise.all([out.data() as Promise<Float32Array>, loss.data() as Promise<Float32Array>]);
    out.dispose();
    loss.dispose();
    onBatch(start, o, l);
  }
}

export function argMax(values: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}

/** Mean loss and accuracy of the model on `set` (inference mode: no dropout). */
export async function lossAndAccuracy(built: TBuiltModel, set: TImageSet, batchSize: number): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let correct = 0;
  const k = built.numClasses;
  await predictInBatches(built, set, batchSize, (start, outputs, losses) => {
    for (let i = 0; i < losses.length; i++) {
      lossSum += losses[i];
      if (argMax(outputs, i * k, k) === set.labels[start + i]) correct++;
    }
  });
  return { loss: lossSum / Math.max(1, set.count), accuracy: correct / Math.max(1, set.count) };
}
