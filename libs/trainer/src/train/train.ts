import type { TBuiltModel } from '../model/build-model';
import { NonFiniteLossError, TrainingCancelledError } from '../model/errors';
import { deriveSeed } from '../model/seeds';
import { lossAndAccuracy } from '../evaluate/loss-accuracy';
import { assertImageSet, limitImageSet, makeBatch, shuffledIndices, type TImageSet } from './image-batches';

export interface TEpochStats {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number;
  /** Estimated seconds left for the remaining epochs. */
  etaSeconds: number;
}

export interface TBatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export interface TTrainData {
  train: TImageSet;
  validation?: TImageSet;
}

export interface TTrainOptions {
  epochs: number;
  batchSize?: number;
  seed: number;
  onEpoch?: (stats: TEpochStats) => void;
  onBatch?: (progress: TBatchProgress) => void;
  /** Call onBatch every N batches (default 10) and after the last batch of each epoch. */
  everyNBatches?: number;
  signal?: AbortSignal;
  limitTrain?: number;
  limitValidation?: number;
}

export interface TTrainResult {
  history: TEpochStats[];
  seconds: number;
  trainImagesPerSecond: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains a built model on uint8 images, Keras-style: each epoch visits the (limited) training set in a fresh seeded
 * order, in batches made on the fly, then measures the validation set. Stops with NonFiniteLossError if the loss stops
 * being a finite number, and with TrainingCancelledError (between batches) once `signal` is aborted.
 */
export async function train(built: TBuiltModel, data: TTrainData, opts: TTrainOptions): Promise<TTrainResult> {
  const batchSize = opts.batchSize ?? 64;
  const every = Math.max(1, opts.everyNBatches ?? 10);
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new Error(`epochs must be a whole number of at least 1; got ${opts.epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a whole number of at least 1; got ${batchSize}`);
  const trainSet = limitImageSet(data.train, opts.limitTrain);
  const valSet = data.validation ? limitImageSet(data.validation, opts.limitValidation) : undefined;
  assertImageSet(trainSet, 'training data', built.spec.inputShape);
  if (valSet) assertImageSet(valSet, 'validation data', built.spec.inputShape);
  if (trainSet.count === 0) throw new Error('training data: no images');

  const batches = Math.ceil(trainSet.count / batchSize);
  const history: TEpochStats[] = [];
  const started = performance.now();
  let trainSeconds = 0;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const epochStart = performance.now();
    const order = shuffledIndices(trainSet.count, deriveSeed(opts.seed, 0x5eed, epoch));
    let lossSum = 0;
    let accSum = 0;
    let seen = 0;
    for (let b = 0; b < batches; b++) {
      await yieldToEventLoop();
      if (opts.signal?.aborted) throw new TrainingCancelledError(epoch, b + 1);
      const start = b * batchSize;
      const end = Math.min(trainSet.count, start + batchSize);
      const { x, y } = makeBatch(trainSet, order, start, end, built.numClasses);
      let result: number | number[];
      try {
        result = await built.model.trainOnBatch(x, y);
      } finally {
        x.dispose();
        y.dispose();
      }
      const [loss, acc] = Array.isArray(result) ? result : [result, Number.NaN];
      if (!Number.isFinite(loss)) throw new NonFiniteLossError(epoch, b + 1, loss);
      const n = end - start;
      lossSum += loss * n;
      accSum += acc * n;
      seen += n;
      if (opts.onBatch && ((b + 1) % every === 0 || b === batches - 1)) {
        opts.onBatch({
          epoch,
          epochs: opts.epochs,
          batch: b + 1,
          batches,
          loss: lossSum / seen,
          accuracy: accSum / seen,
          imagesPerSecond: seen / ((performance.now() - epochStart) / 1000),
        });
      }
    }
    trainSeconds += (performance.now() - epochStart) / 1000;
    const val = valSet && valSet.count > 0 ? await lossAndAccuracy(built, valSet, batchSize) : null;
    const seconds = (performance.now() - epochStart) / 1000;
    const perEpoch = (performance.now() - started) / 1000 / epoch;
    const stats: TEpochStats = {
      epoch,
      loss: lossSum / seen,
      accuracy: accSum / seen,
      valLoss: val?.loss ?? null,
      valAccuracy: val?.accuracy ?? null,
      seconds,
      etaSeconds: perEpoch * (opts.epochs - epoch),
    };
    history.push(stats);
    opts.onEpoch?.(stats);
  }
  return {
    history,
    seconds: (performance.now() - started) / 1000,
    trainImagesPerSecond: (trainSet.count * opts.epochs) / Math.max(1e-9, trainSeconds),
  };
}
