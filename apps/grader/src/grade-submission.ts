import type { Logger } from 'pino';
import type { TArtifactStore } from '@epoch/artifacts';
import { policyFromRow, type EpochPrismaClient } from '@epoch/db';
import type { TGradingPolicy, TGradingProgress, TVerdict } from '@epoch/contracts';
import { claim, failInfra, failStudent, finishCancelled, finishGraded, handBack, recordEpoch, reuse, scheduleOf, type TRun } from '@epoch/grading';
import { gradeModel, GradingRejection, TrainingCancelledError, type TBackendInfo, type TGradeData, type TGradedModel } from '@epoch/trainer';
import { HandBack, PermanentInfraFailure } from './grading-errors';
import { checkStoredSpec } from './spec-check';

export type { TGradeData };

export interface TGraderDeps {
  prisma: EpochPrismaClient;
  backend: TBackendInfo;
  /** The dataset (loaded once per process by the caller, retried after a failure). */
  loadData: () => Promise<TGradeData>;
  log: Logger;
  cancelPollMs: number;
  progressEveryBatches: number;
  /** Where the plots and weights go (finishGraded stores them there). */
  artifacts: TArtifactStore;
  /** Training throughput of each finished epoch (for metrics). */
  onThroughput?: (imagesPerSecond: number) => void;
}

export interface TGradeJob {
  submissionId: string;
  /** When the job entered the queue (ms since the epoch), for the queue wait. */
  enqueuedAt: number;
  /** The queue will not retry this job again: an infrastructure failure now ends the submission ERROR. */
  lastAttempt: boolean;
  updateProgress: (p: TGradingProgress) => Promise<void>;
  /** Aborted when the worker shuts down: training stops and the job is handed back. */
  shutdown: AbortSignal;
}

/**
 * How one grading job ended. `written` says whether this attempt's ending was stored (false when a cancellation,
 * another attempt or the reconciler ended the submission first, or the database refused the write).
 */
export type TGradeOutcome =
  | { kind: 'graded'; status: TVerdict; attempt: number; testAccuracy: number; trainImagesPerSecond: number; reusedFrom: string | null; written: boolean }
  | { kind: 'student'; status: 'FAILED' | 'REJECTED'; attempt: number; reason: string; written: boolean }
  | { kind: 'cancelled'; attempt: number; reason: string }
  | { kind: 'skipped'; attempt: number | null; reason: string }
  | { kind: 'handed-back'; attempt: number; written: boolean }
  | { kind: 'infrastructure'; attempt: number; final: boolean; permanent: boolean; error: unknown; written: boolean };

/** Why training was aborted (the AbortSignal's reason). */
type TStopReason = 'cancelled' | 'time-limit' | 'shutdown';

const detail = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The grader's use case: claim the submission for a new attempt, grade it (grade()), and end the attempt through the
 * lifecycle whatever happened: a verdict, the student's own problem, a hand-back on shutdown, or an infrastructure
 * failure (retried by the queue until the last attempt, then ERROR, not the student's fault).
 */
export async function gradeSubmission(deps: TGraderDeps, job: TGradeJob): Promise<TGradeOutcome> {
  const { prisma, log } = deps;
  const claimed = await claim(prisma, job.submissionId);
  if ('skip' in claimed) return { kind: 'skipped', attempt: null, reason: claimed.skip };
  const run: TRun = { id: job.submissionId, attempt: claimed.attempt };
  const ended = (what: string) => (ok: boolean) => {
    if (!ok) log.warn({ submissionId: run.id, attempt: run.attempt }, `${what} not stored: the submission was ended by someone else first`);
    return ok;
  };
  try {
    return await grade(deps, job, run);
  } catch (e) {
    if (e instanceof HandBack) return { kind: 'handed-back', attempt: run.attempt, written: ended('hand-back')(await handBack(prisma, run)) };
    if (e instanceof GradingRejection) {
      const written = ended('student-caused failure')(await failStudent(prisma, run, e.status, e.message));
      return { kind: 'student', status: e.status, attempt: run.attempt, reason: e.message, written };
    }
    const permanent = e instanceof PermanentInfraFailure;
    const final = permanent || job.lastAttempt;
    const written = await failInfra(prisma, run, detail(e), { final }).then(ended('infrastructure failure'), (w: unknown) => {
      log.error({ err: w, submissionId: run.id }, 'could not record the infrastructure failure');
      return false;
    });
    return { kind: 'infrastructure', attempt: run.attempt, final, permanent, error: e, written };
  }
}

/** Loads what the run needs, re-checks the stored model, reuses an identical result or trains, and stores the verdict. */
async function grade(deps: TGraderDeps, job: TGradeJob, run: TRun): Promise<TGradeOutcome> {
  const { prisma, log } = deps;
  const startedAt = Date.now();
  const submission = await prisma.submission.findUniqueOrThrow({ where: { id: run.id }, include: { exercise: { include: { policy: true } } } });
  const policyRow = submission.exercise.policy;
  if (!policyRow) throw new PermanentInfraFailure(`exercise ${submission.exercise.slug} has no grading policy`);
  let policy: TGradingPolicy;
  try {
    policy = policyFromRow(policyRow);
  } catch (e) {
    throw new PermanentInfraFailure(`the grading policy of ${submission.exercise.slug} is invalid: ${detail(e)}`);
  }
  const schedule = scheduleOf(policy);
  const checked = checkStoredSpec(submission.modelSpec, policy);
  if (!checked.ok) {
    if (checked.corrupt) throw new PermanentInfraFailure(`the stored model is unreadable: ${checked.problems.join('; ')}`);
    throw new GradingRejection('REJECTED', `The model no longer fits this exercise's grading policy: ${checked.problems.join('; ')}.`);
  }
  const spec = checked.spec;
  const queueWaitMs = Math.max(0, (submission.startedAt ?? new Date(startedAt)).getTime() - (submission.queuedAt ?? new Date(job.enqueuedAt)).getTime());

  const reused = await reuse(prisma, { ...run, specHash: submission.specHash, queueWaitMs }, policy, schedule, deps.backend.name);
  if (reused) {
    log.info(
      { submissionId: run.id, attempt: run.attempt, status: reused.decision.status, reusedFrom: reused.reusedFromId },
      'graded from an identical earlier submission',
    );
    return {
      kind: 'graded',
      status: reused.decision.status,
      attempt: run.attempt,
      testAccuracy: reused.testAccuracy,
      trainImagesPerSecond: 0,
      reusedFrom: reused.reusedFromId,
      written: true,
    };
  }

  const progress: TGradingProgress = {
    phase: 'loading',
    attempt: run.attempt,
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
    job.updateProgress({ ...progress }).catch((e: unknown) => log.warn({ err: e, submissionId: run.id }, 'could not report job progress'));
  };
  report({});
  const data = await deps.loadData();
  const graded = await train(deps, job, run, { spec, policy, data, progress, report, startedAt });
  if (graded.kind !== 'trained') return graded;
  const { model } = graded;

  report({ phase: 'storing' });
  const decision = await finishGraded(
    prisma,
    run,
    {
      testAccuracy: model.evaluation.testAccuracy,
      testLoss: model.evaluation.testLoss,
      perClassAccuracy: model.evaluation.perClassAccuracy.map((v) => v ?? 0),
      confusionMatrix: model.evaluation.confusionMatrix,
      backend: deps.backend.name,
      backendVersions: { ...deps.backend.versions, threads: String(deps.backend.threads) },
      seed: policy.seed,
      queueWaitMs,
      trainingMs: model.trainingMs,
      evaluationMs: model.evaluationMs,
      artifacts: model.artifacts,
    },
    policy,
    schedule,
    deps.artifacts,
  );
  const outcome = {
    kind: 'graded' as const,
    attempt: run.attempt,
    testAccuracy: model.evaluation.testAccuracy,
    trainImagesPerSecond: model.trainImagesPerSecond,
    reusedFrom: null,
  };
  if (!decision) return { ...outcome, status: 'FAILED', written: false };
  log.info(
    { submissionId: run.id, attempt: run.attempt, status: decision.status, testAccuracy: model.evaluation.testAccuracy, trainingMs: model.trainingMs },
    'graded',
  );
  return { ...outcome, status: decision.status, written: true };
}

interface TTrainRun {
  spec: Parameters<typeof gradeModel>[0];
  policy: TGradingPolicy;
  data: TGradeData;
  progress: TGradingProgress;
  report: (patch: Partial<TGradingProgress>) => void;
  startedAt: number;
}

/**
 * Runs the grading pipeline with this run's stops: a cancellation (polled from the database), the policy's time limit
 * and the grader's shutdown; records every epoch as it ends and reports progress to the job.
 */
async function train(deps: TGraderDeps, job: TGradeJob, run: TRun, r: TTrainRun): Promise<{ kind: 'trained'; model: TGradedModel } | TGradeOutcome> {
  const { prisma, log } = deps;
  const { policy, data, report } = r;
  const stop = new AbortController();
  const abort = (reason: TStopReason) => {
    if (!stop.signal.aborted) stop.abort(reason);
  };
  const onShutdown = () => abort('shutdown');
  if (job.shutdown.aborted) throw new HandBack();
  job.shutdown.addEventListener('abort', onShutdown);
  const timeLimit = setTimeout(() => abort('time-limit'), Math.max(0, policy.timeLimitSeconds * 1000 - (Date.now() - r.startedAt)));
  const poll = setInterval(() => {
    prisma.submission.findUnique({ where: { id: run.id }, select: { status: true } }).then(
      (s) => {
        if (!s || s.status === 'CANCELLED') abort('cancelled');
      },
      (e: unknown) => log.warn({ err: e, submissionId: run.id }, 'could not look for a cancellation'),
    );
  }, deps.cancelPollMs);

  // Epochs are recorded in order as they end; a failed write fails the attempt (as an infrastructure failure).
  let writes: Promise<unknown> = Promise.resolve();
  const limitTrain = policy.limitTrain ?? undefined;
  const batchSize = policy.batchSize;
  try {
    const model = await gradeModel(
      r.spec,
      { epochs: r.spec.epochs, batchSize, seed: policy.seed, maxParams: policy.maxParams, limitTrain, limitTest: policy.limitTest ?? undefined },
      data,
      {
        signal: stop.signal,
        everyNBatches: deps.progressEveryBatches,
        onPhase: (phase) => {
          if (phase === 'evaluating') report({ phase: 'evaluating', etaSeconds: null });
        },
        onEpoch: (s) => {
          deps.onThroughput?.(Math.min(data.train.count, limitTrain ?? Infinity) / Math.max(1e-9, s.seconds));
          writes = writes.then(() => recordEpoch(prisma, run, s));
          report({ phase: 'training', epoch: s.epoch, batch: r.progress.batches, loss: s.loss, accuracy: s.accuracy, etaSeconds: s.etaSeconds });
        },
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
    await writes;
    return { kind: 'trained', model };
  } catch (e) {
    await writes.catch(() => undefined);
    const reason = stop.signal.aborted ? (stop.signal.reason as TStopReason) : null;
    if (e instanceof TrainingCancelledError && reason) return stopped(deps, run, reason, policy, e);
    throw e;
  } finally {
    clearTimeout(timeLimit);
    clearInterval(poll);
    job.shutdown.removeEventListener('abort', onShutdown);
  }
}

/** Training was stopped from outside: cancelled (nothing more to do), over the time limit (FAILED) or shutdown (hand back). */
async function stopped(deps: TGraderDeps, run: TRun, reason: TStopReason, policy: TGradingPolicy, e: TrainingCancelledError): Promise<TGradeOutcome> {
  switch (reason) {
    case 'cancelled':
      deps.log.info({ submissionId: run.id, attempt: run.attempt, epoch: e.epoch, batch: e.batch }, 'training stopped: the submission was cancelled');
      await finishCancelled(deps.prisma, run.id);
      return { kind: 'cancelled', attempt: run.attempt, reason: `cancelled at epoch ${e.epoch}, batch ${e.batch}` };
    case 'time-limit':
      throw new GradingRejection(
        'FAILED',
        `Training was stopped at epoch ${e.epoch}, batch ${e.batch}: it exceeded this exercise's time limit of ${policy.timeLimitSeconds} s. Use a smaller model or fewer epochs.`,
      );
    case 'shutdown':
      throw new HandBack();
  }
}
