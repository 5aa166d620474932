import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EpochPrismaClient } from '@epoch/db';
import type { TGradingPolicy, TGradingProgress } from '@epoch/contracts';
import {
  buildModel,
  disposeModel,
  evaluate,
  featureMaps,
  NonFiniteLossError,
  saveModel,
  train,
  TrainerSpecError,
  TrainingCancelledError,
  type TBackendInfo,
  type TBuiltModel,
  type TEpochStats,
  type TFeatureMaps,
  type TImageSet,
  type TTrainResult,
} from '@epoch/trainer';
import { HandBack, isOutOfMemory, PermanentInfraFailure, StudentFailure } from './grading-errors';
import { renderPlotArtifacts, type TArtifactFile } from './plot-artifacts';
import { policyFromRow } from '@epoch/grading';
import { reuseEarlierResult } from './result-cache';
import { checkStoredSpec } from './spec-check';

export interface TGradeData {
  train: TImageSet;
  validation: TImageSet;
  test: TImageSet;
  classNames: readonly string[];
}

export interface TGraderDeps {
  prisma: EpochPrismaClient;
  backend: TBackendInfo;
  /** The dataset (loaded once per process by the caller, retried after a failure). */
  loadData: () => Promise<TGradeData>;
  log: Logger;
  cancelPollMs: number;
  progressEveryBatches: number;
  /** Training throughput of each finished epoch (for metrics). */
  onThroughput?: (imagesPerSecond: number) => void;
}

export interface TGradeJob {
  submissionId: string;
  /** When the job entered the queue (ms since the epoch), for the queue wait. */
  enqueuedAt: number;
  updateProgress: (p: TGradingProgress) => Promise<void>;
  /** Aborted when the worker shuts down: training stops and the job is handed back. */
  shutdown: AbortSignal;
}

export type TGradeOutcome =
  | { status: 'PASSED' | 'FAILED'; attempt: number; testAccuracy: number; trainImagesPerSecond: number }
  | { status: 'CANCELLED' | 'SKIPPED'; attempt: number | null; reason: string };

/** Why training was aborted (the AbortSignal's reason). */
type TStopReason = 'cancelled' | 'time-limit' | 'shutdown';

const TERMINAL = ['PASSED', 'FAILED', 'REJECTED', 'ERROR', 'CANCELLED'] as const;

/**
 * Claims the submission for this run: QUEUED (or RUNNING, left by a worker that died or handed it back) becomes
 * RUNNING with attemptCount + 1. Returns the attempt number, or null when the submission is not to be graded.
 */
async function claim(prisma: EpochPrismaClient, id: string): Promise<{ attempt: number } | { skip: string }> {
  const s = await prisma.submission.findUnique({ where: { id }, select: { status: true } });
  if (!s) return { skip: 'the submission does not exist' };
  if ((TERMINAL as readonly string[]).includes(s.status)) return { skip: `the submission is already ${s.status}` };
  if (s.status === 'RECEIVED') return { skip: 'the submission was never checked (RECEIVED)' };
  const updated = await prisma.submission.updateManyAndReturn({
    where: { id, status: { in: ['QUEUED', 'RUNNING'] } },
    data: { status: 'RUNNING', attemptCount: { increment: 1 }, startedAt: new Date(), errorMessage: null },
    select: { attemptCount: true },
  });
  const row = updated[0];
  return row ? { attempt: row.attemptCount } : { skip: 'the submission changed status meanwhile' };
}

/** Guarded final write: only the attempt that still owns the RUNNING submission may end it. */
export function ownedBy(id: string, attempt: number) {
  return { id, status: 'RUNNING' as const, attemptCount: attempt };
}

function stopReason(signal: AbortSignal): TStopReason | null {
  return signal.aborted ? (signal.reason as TStopReason) : null;
}

/**
 * Grades one submission: claim it, re-check its stored ModelSpec against the current policy, train (per-epoch rows and
 * job progress as it goes), evaluate, render the plots and store everything in one transaction. Student-caused failures
 * throw StudentFailure, a shutdown HandBack, anything else is an infrastructure failure for the caller to retry.
 */
export async function gradeSubmission(deps: TGraderDeps, job: TGradeJob): Promise<TGradeOutcome> {
  const { prisma, log } = deps;
  const claimed = await claim(prisma, job.submissionId);
  if ('skip' in claimed) return { status: 'SKIPPED', attempt: null, reason: claimed.skip };
  const { attempt } = claimed;
  const startedAt = Date.now();
  const submission = await prisma.submission.findUniqueOrThrow({ where: { id: job.submissionId }, include: { exercise: { include: { policy: true } } } });
  const policyRow = submission.exercise.policy;
  if (!policyRow) throw new PermanentInfraFailure(`exercise ${submission.exercise.slug} has no grading policy`);
  let policy: TGradingPolicy;
  try {
    policy = policyFromRow(policyRow);
  } catch (e) {
    throw new PermanentInfraFailure(`the grading policy of ${submission.exercise.slug} is invalid: ${e instanceof Error ? e.message : String(e)}`);
  }
  const checked = checkStoredSpec(submission.modelSpec, policy);
  if (!checked.ok) {
    if (checked.corrupt) throw new PermanentInfraFailure(`the stored model is unreadable: ${checked.problems.join('; ')}`);
    throw new StudentFailure('REJECTED', `The model no longer fits this exercise's grading policy: ${checked.problems.join('; ')}.`);
  }
  const spec = checked.spec;
  const queueWaitMs = Math.max(0, (submission.startedAt ?? new Date(startedAt)).getTime() - (submission.queuedAt ?? new Date(job.enqueuedAt)).getTime());

  const reused = await reuseEarlierResult(prisma, { id: job.submissionId, specHash: submission.specHash, attempt, queueWaitMs }, policy, deps.backend.name);
  if (reused) {
    log.info(
      { submissionId: job.submissionId, attempt, status: reused.status, reusedFrom: reused.reusedFromId },
      'graded from an identical earlier submission (result reused)',
    );
    return { status: reused.status, attempt, testAccuracy: reused.testAccuracy, trainImagesPerSecond: 0 };
  }

  const progress: TGradingProgress = {
    phase: 'loading',
    attempt,
    epoch: 0,
    epochs: spec.epochs,
    batch: 0,
    batches: 0,
    loss: null,
    accuracy: null,
    imagesPerSecond: null,
    etaSeconds: null,
  };
  const report = (patch: Partial<TGradingProgress>) => {
    Object.assign(progress, patch);
    job.updateProgress({ ...progress }).catch((e: unknown) => log.warn({ err: e, submissionId: job.submissionId }, 'could not report job progress'));
  };
  report({});

  const data = await deps.loadData();
  let built: TBuiltModel;
  try {
    built = buildModel(spec, policy.seed);
  } catch (e) {
    if (e instanceof TrainerSpecError) throw new StudentFailure('REJECTED', `The model cannot be built: ${e.message}`);
    if (isOutOfMemory(e)) throw new StudentFailure('FAILED', "The model is too large for the grader's memory; use fewer units or filters.");
    throw e;
  }
  try {
    if (built.paramCount > policy.maxParams) {
      throw new StudentFailure(
        'REJECTED',
        `The model has ${built.paramCount.toLocaleString('en-US')} parameters; the limit is ${policy.maxParams.toLocaleString('en-US')}.`,
      );
    }
    return await trainEvaluateStore(deps, job, { attempt, policy, built, data, progress, report, queueWaitMs, startedAt });
  } finally {
    disposeModel(built);
  }
}

interface TRun {
  attempt: number;
  policy: TGradingPolicy;
  built: TBuiltModel;
  data: TGradeData;
  progress: TGradingProgress;
  report: (patch: Partial<TGradingProgress>) => void;
  queueWaitMs: number;
  startedAt: number;
}

async function trainEvaluateStore(deps: TGraderDeps, job: TGradeJob, run: TRun): Promise<TGradeOutcome> {
  const { prisma, log } = deps;
  const { attempt, policy, built, data, report } = run;
  const id = job.submissionId;
  const limitTrain = policy.limitTrain ?? undefined;
  const limitTest = policy.limitTest ?? undefined;
  const batchSize = policy.batchSize;

  const stop = new AbortController();
  const abort = (reason: TStopReason) => {
    if (!stop.signal.aborted) stop.abort(reason);
  };
  const onShutdown = () => abort('shutdown');
  if (job.shutdown.aborted) throw new HandBack();
  job.shutdown.addEventListener('abort', onShutdown);
  const timeLimitMs = policy.timeLimitSeconds * 1000;
  const timeLimit = setTimeout(() => abort('time-limit'), Math.max(0, timeLimitMs - (Date.now() - run.startedAt)));
  const poll = setInterval(() => {
    prisma.submission.findUnique({ where: { id }, select: { status: true } }).then(
      (s) => {
        if (!s || s.status === 'CANCELLED') abort('cancelled');
      },
      (e: unknown) => log.warn({ err: e, submissionId: id }, 'could not look for a cancellation'),
    );
  }, deps.cancelPollMs);

  // Epoch rows are written in order as epochs end; a failed write fails the attempt (as an infrastructure failure).
  let writes: Promise<unknown> = Promise.resolve();
  const onEpoch = (s: TEpochStats) => {
    deps.onThroughput?.(Math.min(data.train.count, limitTrain ?? Infinity) / Math.max(1e-9, s.seconds));
    const row = { loss: s.loss, accuracy: s.accuracy, valLoss: s.valLoss, valAccuracy: s.valAccuracy, seconds: s.seconds };
    writes = writes.then(() =>
      prisma.epochMetric.upsert({
        where: { submissionId_attempt_epoch: { submissionId: id, attempt, epoch: s.epoch } },
        create: { submissionId: id, attempt, epoch: s.epoch, ...row },
        update: row,
      }),
    );
    report({ phase: 'training', epoch: s.epoch, batch: run.progress.batches, loss: s.loss, accuracy: s.accuracy, etaSeconds: s.etaSeconds });
  };

  let result: TTrainResult;
  const trainStart = performance.now();
  try {
    result = await train(
      built,
      { train: data.train, validation: data.validation },
      {
        epochs: built.spec.epochs,
        batchSize,
        seed: policy.seed,
        limitTrain,
        limitValidation: limitTest,
        signal: stop.signal,
        everyNBatches: deps.progressEveryBatches,
        onEpoch,
        onBatch: (p) =>
          report({
            phase: 'training',
            epoch: p.epoch - 1,
            batch: p.batch,
            batches: p.batches,
            loss: p.loss,
            accuracy: p.accuracy,
            imagesPerSecond: p.imagesPerSecond,
            etaSeconds: p.imagesPerSecond > 0 ? ((p.batches - p.batch + (p.epochs - p.epoch) * p.batches) * batchSize) / p.imagesPerSecond : null,
          }),
      },
    );
  } catch (e) {
    await writes.catch(() => undefined);
    const reason = stopReason(stop.signal);
    if (e instanceof TrainingCancelledError && reason) return stopped(deps, id, attempt, reason, policy, e);
    if (e instanceof NonFiniteLossError) throw new StudentFailure('FAILED', `Training stopped: ${e.message}.`);
    if (isOutOfMemory(e)) throw new StudentFailure('FAILED', "The model is too large for the grader's memory; use fewer units or filters.");
    throw e;
  } finally {
    clearTimeout(timeLimit);
    clearInterval(poll);
    job.shutdown.removeEventListener('abort', onShutdown);
  }
  await writes;
  const trainingMs = Math.round(performance.now() - trainStart);

  report({ phase: 'evaluating', etaSeconds: null });
  const evalStart = performance.now();
  const testCount = Math.min(data.test.count, limitTest ?? Infinity);
  const evaluation = await evaluate(built, data.test, { limit: limitTest, batchSize: 256, predictionIndices: Array.from({ length: testCount }, (_, i) => i) });
  const per = data.test.height * data.test.width * data.test.channels;
  const maps: TFeatureMaps[] = [];
  for (const [i, layer] of built.spec.layers.entries()) {
    if (layer.type === 'Conv2D') maps.push(await featureMaps(built, data.test.images.subarray(0, per), i));
  }
  const evaluationMs = Math.round(performance.now() - evalStart);

  report({ phase: 'storing' });
  const files: TArtifactFile[] = renderPlotArtifacts({
    history: result.history,
    evaluation,
    test: data.test,
    classNames: data.classNames,
    featureMaps: maps,
    featureImage: 0,
  });
  files.push(...(await weightFiles(built)));
  const passed = evaluation.testAccuracy >= policy.minTestAccuracy;
  const status = passed ? 'PASSED' : 'FAILED';
  const history = result.history.map((h) => ({
    attempt,
    epoch: h.epoch,
    loss: h.loss,
    accuracy: h.accuracy,
    valLoss: h.valLoss,
    valAccuracy: h.valAccuracy,
    seconds: h.seconds,
  }));

  const stored = await prisma.$transaction(
    async (tx) => {
      const owned = await tx.submission.updateMany({
        where: ownedBy(id, attempt),
        data: {
          status,
          finishedAt: new Date(),
          infraError: false,
          errorMessage: passed
            ? null
            : `Test accuracy ${(100 * evaluation.testAccuracy).toFixed(1)}% is below the required ${(100 * policy.minTestAccuracy).toFixed(1)}%.`,
        },
      });
      if (owned.count !== 1) return false;
      await tx.artifact.deleteMany({ where: { submissionId: id } });
      await tx.result.deleteMany({ where: { submissionId: id } });
      await tx.result.create({
        data: {
          submissionId: id,
          testAccuracy: evaluation.testAccuracy,
          testLoss: evaluation.testLoss,
          perClassAccuracy: evaluation.perClassAccuracy,
          confusionMatrix: evaluation.confusionMatrix,
          history,
          backend: deps.backend.name,
          backendVersions: { ...deps.backend.versions, threads: String(deps.backend.threads) },
          seed: policy.seed,
          queueWaitMs: run.queueWaitMs,
          trainingMs,
          evaluationMs,
        },
      });
      await tx.artifact.createMany({
        data: files.map((f) => ({ submissionId: id, kind: f.kind, name: f.name, contentType: f.contentType, bytes: Buffer.from(f.bytes) })),
      });
      return true;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  if (!stored) return { status: 'SKIPPED', attempt, reason: 'another attempt or a cancellation ended the submission first' };
  log.info({ submissionId: id, attempt, status, testAccuracy: evaluation.testAccuracy, trainingMs, evaluationMs, artifacts: files.length }, 'graded');
  return { status, attempt, testAccuracy: evaluation.testAccuracy, trainImagesPerSecond: result.trainImagesPerSecond };
}

/** Training was stopped from outside: cancelled (nothing more to do), over the time limit (FAILED) or shutdown (hand back). */
async function stopped(
  deps: TGraderDeps,
  id: string,
  attempt: number,
  reason: TStopReason,
  policy: TGradingPolicy,
  e: TrainingCancelledError,
): Promise<TGradeOutcome> {
  switch (reason) {
    case 'cancelled':
      deps.log.info({ submissionId: id, attempt, epoch: e.epoch, batch: e.batch }, 'training stopped: the submission was cancelled');
      await deps.prisma.submission.updateMany({ where: { id, status: 'CANCELLED', finishedAt: null }, data: { finishedAt: new Date() } });
      return { status: 'CANCELLED', attempt, reason: `cancelled at epoch ${e.epoch}, batch ${e.batch}` };
    case 'time-limit':
      throw new StudentFailure(
        'FAILED',
        `Training was stopped at epoch ${e.epoch}, batch ${e.batch}: it exceeded this exercise's time limit of ${policy.timeLimitSeconds} s. Use a smaller model or fewer epochs.`,
      );
    case 'shutdown':
      await deps.prisma.submission.updateMany({ where: ownedBy(id, attempt), data: { status: 'QUEUED' } });
      throw new HandBack();
  }
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
