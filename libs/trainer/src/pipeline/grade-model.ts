import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TModelSpec } from '@epoch/contracts';
import { heldOutMask } from '@epoch/datasets';
import { buildModel, disposeModel, type TBuiltModel } from '../model/build-model';
import { NonFiniteLossError, TrainerSpecError } from '../model/errors';
import { evaluate, type TEvaluation } from '../evaluate/evaluate';
import { featureMaps, type TFeatureMaps } from '../evaluate/feature-maps';
import { saveModel } from '../io/weights-io';
import type { TImageSet } from '../train/image-batches';
import { train, type TBatchProgress, type TEpochStats } from '../train/train';
import { renderPlotArtifacts, type TArtifactFile } from './plot-artifacts';

/** The exercise's data: the lesson's split of CIFAR-10 (or any image set of the same layout). */
export interface TGradeData {
  train: TImageSet;
  validation: TImageSet;
  test: TImageSet;
  classNames: readonly string[];
}

/** How to train and evaluate: the policy's settings (and, for `./epoch grade`, the command line's overrides). */
export interface TGradeSettings {
  epochs: number;
  batchSize: number;
  seed: number;
  /** Parameter limit, checked on the built model (where the count is exact). */
  maxParams: number;
  /** Data limits for quick runs (undefined: the whole split). `limitTest` also bounds the per-epoch validation. */
  limitTrain?: number;
  limitTest?: number;
  /**
   * A held-out test split (the policy's heldOutShare, seeded by the policy's seed): `evaluation` is then the public
   * part's and `evaluation.heldOut` the private part's, computed in the same pass.
   */
  heldOut?: { share: number; seed: number };
}

export type TGradePhase = 'building' | 'training' | 'evaluating' | 'plotting';

export interface TGradeHooks {
  /** Aborting stops training between batches with TrainingCancelledError; the caller knows why it aborted. */
  signal?: AbortSignal;
  /** Call onBatch every N batches (default 10). */
  everyNBatches?: number;
  onPhase?: (phase: TGradePhase) => void;
  onBatch?: (progress: TBatchProgress) => void;
  onEpoch?: (stats: TEpochStats) => void;
}

/** What grading a model produced: history, evaluation on the test set, feature maps, and every artifact to store. */
export interface TGradedModel {
  paramCount: number;
  history: TEpochStats[];
  evaluation: TEvaluation;
  /** Feature maps of each Conv2D layer for test image 0. */
  featureMaps: TFeatureMaps[];
  /** Plots (PNG, with their data as JSON) and the trained weights (tfjs layers format: model.json, weights.bin). */
  artifacts: TArtifactFile[];
  trainingMs: number;
  evaluationMs: number;
  trainImagesPerSecond: number;
}

/**
 * The grading of a model ended because of the model itself: REJECTED when it cannot be built or breaks a limit before
 * training, FAILED when training shows the problem (diverging loss, out of memory). The message is for the student;
 * `outOfMemory` marks the model's memory as the reason (the grader then names its memory limit).
 */
export class GradingRejection extends Error {
  readonly outOfMemory: boolean;
  constructor(
    readonly status: 'FAILED' | 'REJECTED',
    message: string,
    opts: { outOfMemory?: boolean } = {},
  ) {
    super(message);
    this.name = 'GradingRejection';
    this.outOfMemory = opts.outOfMemory ?? false;
  }
}

/** Out-of-memory errors from tfjs backends (wasm, native) and V8: the model was too large for this machine's memory. */
export function isOutOfMemory(e: unknown): boolean {
  const m = e instanceof Error ? `${e.name} ${e.message}` : String(e);
  return /out of memory|\bOOM\b|failed to allocate|Array buffer allocation failed|Invalid typed array length|memory access out of bounds|Cannot allocate/i.test(
    m,
  );
}

const TOO_LARGE = "The model is too large for the grader's memory; use fewer units or filters.";
const tooLarge = () => new GradingRejection('FAILED', TOO_LARGE, { outOfMemory: true });
const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * The one grading pipeline, used by the grader and by `./epoch grade`: build the model from its ModelSpec, check the
 * parameter limit, train (seeded), evaluate on the test set, take the feature maps and render every plot. Pure: no
 * database, no queue; progress goes to the hooks. The model's own problems throw GradingRejection; a stop through
 * `hooks.signal` throws TrainingCancelledError; anything else is the machine's problem and is thrown as it is.
 */
export async function gradeModel(spec: TModelSpec, settings: TGradeSettings, data: TGradeData, hooks: TGradeHooks = {}): Promise<TGradedModel> {
  hooks.onPhase?.('building');
  let built: TBuiltModel;
  try {
    built = buildModel(spec, settings.seed);
  } catch (e) {
    if (e instanceof TrainerSpecError) throw new GradingRejection('REJECTED', `The model cannot be built: ${e.message}`);
    if (isOutOfMemory(e)) throw tooLarge();
    throw e;
  }
  try {
    if (built.paramCount > settings.maxParams) {
      throw new GradingRejection('REJECTED', `The model has ${fmt(built.paramCount)} parameters; the limit is ${fmt(settings.maxParams)}.`);
    }
    return await trainAndEvaluate(built, settings, data, hooks);
  } finally {
    disposeModel(built);
  }
}

async function trainAndEvaluate(built: TBuiltModel, settings: TGradeSettings, data: TGradeData, hooks: TGradeHooks): Promise<TGradedModel> {
  const { limitTrain, limitTest } = settings;
  hooks.onPhase?.('training');
  const trainStart = performance.now();
  let result;
  try {
    result = await train(
      built,
      { train: data.train, validation: data.validation },
      {
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        seed: settings.seed,
        limitTrain,
        limitValidation: limitTest,
        ...(hooks.signal ? { signal: hooks.signal } : {}),
        ...(hooks.everyNBatches ? { everyNBatches: hooks.everyNBatches } : {}),
        ...(hooks.onBatch ? { onBatch: hooks.onBatch } : {}),
        ...(hooks.onEpoch ? { onEpoch: hooks.onEpoch } : {}),
      },
    );
  } catch (e) {
    if (e instanceof NonFiniteLossError) throw new GradingRejection('FAILED', `Training stopped: ${e.message}.`);
    if (isOutOfMemory(e)) throw tooLarge();
    throw e;
  }
  const trainingMs = Math.round(performance.now() - trainStart);

  hooks.onPhase?.('evaluating');
  const evalStart = performance.now();
  const testCount = Math.min(data.test.count, limitTest ?? Infinity);
  let evaluation: TEvaluation;
  const maps: TFeatureMaps[] = [];
  try {
    const privateMask = settings.heldOut ? heldOutMask(data.test.labels, testCount, settings.heldOut.share, settings.heldOut.seed) : undefined;
    const shown = Array.from({ length: testCount }, (_, i) => i).filter((i) => !privateMask || privateMask[i] === 0);
    evaluation = await evaluate(built, data.test, { limit: limitTest, batchSize: 256, predictionIndices: shown, ...(privateMask ? { privateMask } : {}) });
    const per = data.test.height * data.test.width * data.test.channels;
    for (const [i, layer] of built.spec.layers.entries()) {
      if (layer.type === 'Conv2D') maps.push(await featureMaps(built, data.test.images.subarray(0, per), i));
    }
  } catch (e) {
    if (isOutOfMemory(e)) throw tooLarge();
    throw e;
  }
  const evaluationMs = Math.round(performance.now() - evalStart);

  hooks.onPhase?.('plotting');
  const artifacts = renderPlotArtifacts({
    history: result.history,
    evaluation,
    test: data.test,
    classNames: data.classNames,
    featureMaps: maps,
    featureImage: 0,
  });
  artifacts.push(...(await weightFiles(built)));
  return {
    paramCount: built.paramCount,
    history: result.history,
    evaluation,
    featureMaps: maps,
    artifacts,
    trainingMs,
    evaluationMs,
    trainImagesPerSecond: result.trainImagesPerSecond,
  };
}

/** The trained model in the tfjs layers format: model.json (topology, manifest, ModelSpec) and weights.bin. */
async function weightFiles(built: TBuiltModel): Promise<TArtifactFile[]> {
  const dir = await mkdtemp(join(tmpdir(), 'epoch-weights-'));
  try {
    await saveModel(built, dir);
    return [
      { kind: 'WEIGHTS', name: 'model.json', contentType: 'application/json', bytes: await readFile(join(dir, 'model.json')) },
      { kind: 'WEIGHTS', name: 'weights.bin', contentType: 'application/octet-stream', bytes: await readFile(join(dir, 'weights.bin')) },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
