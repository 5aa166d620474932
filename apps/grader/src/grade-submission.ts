import type { Logger } from 'pino';
import type { TArtifactStore } from '@epoch/artifacts';
import { policyFromRow, type EpochPrismaClient } from '@epoch/db';
import {
  CIFAR10_SPLIT,
  TrainingEta,
  type TGradingPolicy,
  type TGradingProgress,
  type THeldOutPart,
  type TModelSpec,
  type TExtraSeedJob,
  type TSeedRun,
  type TVerdict,
} from '@epoch/contracts';
import {
  claim,
  countedAccuracy,
  endSeedSeries,
  failInfra,
  failStudent,
  finishCancelled,
  finishExtraSeed,
  finishGraded,
  handBack,
  nthSeed,
  practiceRun,
  recordEpoch,
  reuse,
  scheduleOf,
  wantsAnotherSeed,
  type TRun,
} from '@epoch/grading';
import { GradingRejection, type TBackendInfo } from '@epoch/trainer';
import type { TChildEnd } from './child/child-end';
import type { TChildGraded, TDataSource } from './child/protocol';
import type { TChildRun } from './child/training-child';
import { RetryAborted, whileDatabaseDown, type TRetryPolicy } from './db-retry';
import { epochRecorder } from './epoch-recorder';
import { HandBack, LockLost, PermanentInfraFailure } from './grading-errors';
import { checkStoredSpec } from './spec-check';

export interface TGraderDeps {
  prisma: EpochPrismaClient;
  backend: TBackendInfo;
  /** Makes sure the dataset is prepared for the training children (once per process; a failure is tried again by the next job). */
  prepareData: () => Promise<TDataSource>;
  /** Runs one attempt's training in a fresh child process and says how it ended (child/training-child.ts). */
  runChild: (r: TChildRun) => Promise<TChildEnd>;
  log: Logger;
  /** This grader's name (EPOCH_WORKER_ID), in the job's progress: its heartbeat tells the API whether it is alive. */
  workerId: string;
  cancelPollMs: number;
  progressEveryBatches: number;
  /** Where the plots and weights go (finishGraded stores them there). */
  artifacts: TArtifactStore;
  /** Backoff of the database retries (default: 250 ms doubling to 5 s). */
  retry?: TRetryPolicy;
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
  /** Aborted when the queue reports the job's lock lost: training stops, database retries give up, nothing more is written. */
  lockLost: AbortSignal;
  /** Aborted (reason: when, ms since the epoch) when the API says the submission was cancelled: training stops at once. */
  cancelled?: AbortSignal;
  /** Queues best-of-k's next seed of this submission (on the queue this job came from). */
  queueExtraSeed?: (extra: TExtraSeedJob) => Promise<void>;
}

/**
 * How one grading job ended. `written` says whether this attempt's ending was stored (false when a cancellation,
 * another attempt or the reconciler ended the submission first). `lock-lost`: the job's lock was lost while training
 * or while waiting for the database; nothing more was stored and another grader takes the job over.
 */
export type TGradeOutcome =
  | { kind: 'graded'; status: TVerdict; attempt: number; testAccuracy: number; trainImagesPerSecond: number; reusedFrom: string | null; written: boolean }
  | { kind: 'student'; status: 'FAILED' | 'REJECTED'; attempt: number; reason: string; written: boolean }
  | { kind: 'cancelled'; attempt: number; reason: string }
  | { kind: 'skipped'; attempt: number | null; reason: string }
  | { kind: 'handed-back'; attempt: number; written: boolean }
  | { kind: 'lock-lost'; attempt: number | null }
  | { kind: 'infrastructure'; attempt: number; final: boolean; permanent: boolean; error: unknown; written: boolean };

const detail = (e: unknown) => (e instanceof Error ? e.message : String(e));
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** A database call of this job: retried while the database is unavailable, until the job's lock is lost. */
type TDbCall = <T>(what: string, f: () => Promise<T>) => Promise<T>;

/**
 * The grader's use case: claim the submission for a new attempt, grade it (grade()), and end the attempt through the
 * lifecycle whatever happened: a verdict, the student's own problem, a hand-back on shutdown, or an infrastructure
 * failure (retried by the queue until the last attempt, then ERROR, not the student's fault). Every database call
 * waits out an outage of the database (retried with backoff) for as long as the job's lock is held.
 */
export async function gradeSubmission(deps: TGraderDeps, job: TGradeJob): Promise<TGradeOutcome> {
  const { log } = deps;
  const jobLog = log.child({ submissionId: job.submissionId });
  const db: TDbCall = (what, f) => whileDatabaseDown(what, f, { signal: job.lockLost, log: jobLog, ...(deps.retry ? { retry: deps.retry } : {}) });
  let attempt: number | null = null;
  try {
    const claimed = await db('claiming the submission', () => claim(deps.prisma, job.submissionId));
    if ('skip' in claimed) return { kind: 'skipped', attempt: null, reason: claimed.skip };
    attempt = claimed.attempt;
    return await attemptRun(deps, job, { id: job.submissionId, attempt: claimed.attempt }, claimed.restarted, db);
  } catch (e) {
    if (e instanceof RetryAborted || e instanceof LockLost) {
      jobLog.warn({ attempt }, "the job's lock was lost: this attempt stores nothing more; another grader takes the job over");
      return { kind: 'lock-lost', attempt };
    }
    throw e;
  }
}

/** Grades the claimed attempt and ends it through the lifecycle, whatever happened. */
async function attemptRun(deps: TGraderDeps, job: TGradeJob, run: TRun, restarted: boolean, db: TDbCall): Promise<TGradeOutcome> {
  const { prisma, log } = deps;
  const ended = (what: string) => (ok: boolean) => {
    if (!ok) log.warn({ submissionId: run.id, attempt: run.attempt }, `${what} not stored: the submission was ended by someone else first`);
    return ok;
  };
  try {
    return await grade(deps, job, run, restarted, db);
  } catch (e) {
    if (e instanceof RetryAborted || e instanceof LockLost) throw e;
    if (e instanceof HandBack)
      return { kind: 'handed-back', attempt: run.attempt, written: ended('hand-back')(await db('handing the job back', () => handBack(prisma, run))) };
    if (e instanceof GradingRejection) {
      const written = ended('student-caused failure')(await db('storing the failure', () => failStudent(prisma, run, e.status, e.message)));
      return { kind: 'student', status: e.status, attempt: run.attempt, reason: e.message, written };
    }
    const permanent = e instanceof PermanentInfraFailure;
    const final = permanent || job.lastAttempt;
    const written = await db('storing the infrastructure failure', () => failInfra(prisma, run, detail(e), { final })).then(
      ended('infrastructure failure'),
      (w: unknown) => {
        if (w instanceof RetryAborted) throw w;
        log.error({ err: w, submissionId: run.id }, 'could not record the infrastructure failure');
        return false;
      },
    );
    return { kind: 'infrastructure', attempt: run.attempt, final, permanent, error: e, written };
  }
}

/** Reports progress to the job without piling up calls: while one is on its way (Redis slow or away), only the newest waits. */
function progressReporter(send: (p: TGradingProgress) => Promise<void>, log: Logger): (p: TGradingProgress) => void {
  let next: TGradingProgress | null = null;
  let sending = false;
  const flush = () => {
    if (sending || !next) return;
    const p = next;
    next = null;
    sending = true;
    const done = () => {
      sending = false;
      flush();
    };
    send(p).then(done, (e: unknown) => {
      log.warn({ err: e }, 'could not report job progress');
      done();
    });
  };
  return (p) => {
    next = p;
    flush();
  };
}

/** A job's progress, starting at 'loading', and the function that changes it and reports it to the job. */
function progressTracker(
  deps: TGraderDeps,
  job: TGradeJob,
  start: { attempt: number; epochs: number; restarted: boolean },
  log: Logger,
): { progress: TGradingProgress; report: (patch: Partial<TGradingProgress>) => void } {
  const progress: TGradingProgress = {
    phase: 'loading',
    ...start,
    epoch: 0,
    batch: 0,
    batches: 0,
    loss: null,
    accuracy: null,
    imagesPerSecond: null,
    etaSeconds: null,
    worker: deps.workerId,
  };
  const send = progressReporter(job.updateProgress, log);
  const report = (patch: Partial<TGradingProgress>) => {
    Object.assign(progress, patch);
    send({ ...progress });
  };
  return { progress, report };
}

/** Loads what the run needs, re-checks the stored model, reuses an identical result or trains, and stores the verdict. */
async function grade(deps: TGraderDeps, job: TGradeJob, run: TRun, restarted: boolean, db: TDbCall): Promise<TGradeOutcome> {
  const { prisma, log } = deps;
  const startedAt = Date.now();
  const submission = await db('loading the submission', () =>
    prisma.submission.findUniqueOrThrow({ where: { id: run.id }, include: { exercise: { include: { policy: true } } } }),
  );
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
  // A practice run trains the practice subset for the practice epochs (practiceRun), under the same seed and limits.
  const practice = submission.kind === 'PRACTICE' ? practiceRun(policy, checked.spec) : null;
  if (practice) policy = practice.policy;
  const spec = practice?.spec ?? checked.spec;
  const queueWaitMs = Math.max(0, (submission.startedAt ?? new Date(startedAt)).getTime() - (submission.queuedAt ?? new Date(job.enqueuedAt)).getTime());

  const reused = await db('reusing an earlier result', () =>
    reuse(prisma, { ...run, specHash: submission.specHash, queueWaitMs }, policy, schedule, deps.backend.name),
  );
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

  const { progress, report } = progressTracker(deps, job, { attempt: run.attempt, epochs: spec.epochs, restarted }, log.child({ submissionId: run.id }));
  report({});
  const data = await deps.prepareData();
  const seed = submission.seed ?? policy.seed;
  /** A run that did not end graded: the model's problem and the engine's are thrown; a stop ends the job (null: graded). */
  const settle = async (end: TChildEnd, stopped: TCancelStop): Promise<TGradeOutcome | null> => {
    switch (end.kind) {
      case 'graded':
        return null;
      case 'student':
        throw new GradingRejection(end.status, end.message);
      case 'infrastructure':
        throw new Error(end.message);
      case 'stopped':
        switch (end.reason) {
          case 'shutdown':
            throw new HandBack();
          case 'lock-lost':
            throw new LockLost();
          case 'cancelled':
            // How promptly: the batches the child finished after the cancellation was written, and the milliseconds
            // from then until the child was gone (the browser tests check "within one batch" against this line).
            log.info(
              {
                submissionId: run.id,
                attempt: run.attempt,
                epoch: progress.epoch,
                batch: progress.batch,
                batchesAfterCancel: stopped.batchesAfter,
                stoppedAfterMs: stopped.at === null ? null : Math.max(0, Date.now() - stopped.at),
              },
              'training stopped: the submission was cancelled',
            );
            await db('recording the cancellation', () => finishCancelled(prisma, run.id));
            return { kind: 'cancelled', attempt: run.attempt, reason: `cancelled at epoch ${progress.epoch + 1}, batch ${progress.batch}` };
        }
    }
  };
  const stopped: TCancelStop = { at: null, batchesAfter: 0 };
  const end = await train(deps, job, run, { spec, policy, seed, data, progress, report, startedAt, stopped, recordEpochs: true });
  const cancelledRun = await settle(end, stopped);
  if (cancelledRun) return cancelledRun;
  if (end.kind !== 'graded') throw new Error(`unexpected end of training: ${end.kind}`);
  const model = end.result;
  const heldOut = heldOutPart(model.evaluation, policy);
  const seedRuns: TSeedRun[] = [
    { seed, testAccuracy: countedAccuracy({ testAccuracy: model.evaluation.testAccuracy, heldOut }), trainingSeconds: Math.round(model.trainingMs / 1000) },
  ];
  // Best-of-k: a result just below the pass mark is stored decided on this seed, with the next seed pending; that seed
  // trains as its own low-priority job (gradeExtraSeed), queued once the result is stored. A calibration run is one
  // seed of its calibration, and a practice run is never graded: never more.
  const pendingSeed = submission.kind === 'GRADED' && wantsAnotherSeed(seedRuns, policy) ? nthSeed(seed, seedRuns.length) : null;

  report({ phase: 'storing' });
  const decision = await db('storing the result', () =>
    finishGraded(
      prisma,
      run,
      {
        testAccuracy: model.evaluation.testAccuracy,
        testLoss: model.evaluation.testLoss,
        perClassAccuracy: model.evaluation.perClassAccuracy.map((v) => v ?? 0),
        confusionMatrix: model.evaluation.confusionMatrix,
        backend: deps.backend.name,
        backendVersions: { ...deps.backend.versions, threads: String(deps.backend.threads) },
        seed,
        seedRuns,
        pendingSeed,
        heldOut,
        queueWaitMs,
        trainingMs: model.trainingMs,
        evaluationMs: model.evaluationMs,
        artifacts: model.artifacts,
        history: model.history.map(({ epoch, loss, accuracy, valLoss, valAccuracy, seconds }) => ({ epoch, loss, accuracy, valLoss, valAccuracy, seconds })),
      },
      policy,
      schedule,
      deps.artifacts,
    ),
  );
  const outcome = {
    kind: 'graded' as const,
    attempt: run.attempt,
    testAccuracy: model.evaluation.testAccuracy,
    trainImagesPerSecond: model.trainImagesPerSecond,
    reusedFrom: null,
  };
  if (!decision) {
    log.warn({ submissionId: run.id, attempt: run.attempt }, 'result not stored: the submission was ended by someone else first');
    return { ...outcome, status: 'FAILED', written: false };
  }
  log.info(
    {
      submissionId: run.id,
      attempt: run.attempt,
      status: decision.status,
      testAccuracy: model.evaluation.testAccuracy,
      trainingMs: model.trainingMs,
      pendingSeed,
    },
    'graded',
  );
  if (pendingSeed !== null) await queueSeed(deps, job, run.id, { attempt: run.attempt, seed: pendingSeed });
  return { ...outcome, status: decision.status, written: true };
}

/** Queues best-of-k's next seed; a failure is left to the reconciler, which queues every pending seed without a job. */
async function queueSeed(deps: TGraderDeps, job: TGradeJob, submissionId: string, extra: TExtraSeedJob): Promise<void> {
  if (!job.queueExtraSeed) return;
  try {
    await job.queueExtraSeed(extra);
    deps.log.info({ submissionId, ...extra }, 'best-of-k: the next seed is queued (low priority)');
  } catch (e) {
    deps.log.warn({ err: e, submissionId, ...extra }, 'best-of-k: could not queue the next seed; the reconciler queues it');
  }
}

/**
 * Best-of-k's extra seed of a graded attempt (use-cases/extra-seeds.ts in @epoch/grading): trains the stored model
 * with that seed in a fresh child, under the policy's limits, and adds the run to the result (finishExtraSeed decides
 * again and names the next seed, queued here). A seed that cannot train (over the time or memory limit, a model the
 * policy no longer accepts, the policy no longer asking for seeds, the queue's retries exhausted) ends the series with
 * the seeds trained so far. Nothing is written when the result no longer waits for this seed (retrained meanwhile).
 */
export async function gradeExtraSeed(deps: TGraderDeps, job: TGradeJob, extra: TExtraSeedJob): Promise<TGradeOutcome> {
  const { prisma, log } = deps;
  const jobLog = log.child({ submissionId: job.submissionId, seed: extra.seed });
  const db: TDbCall = (what, f) => whileDatabaseDown(what, f, { signal: job.lockLost, log: jobLog, ...(deps.retry ? { retry: deps.retry } : {}) });
  const run: TRun = { id: job.submissionId, attempt: extra.attempt };
  const skipped = (reason: string): TGradeOutcome => ({ kind: 'skipped', attempt: extra.attempt, reason });
  const endSeries = async (reason: string): Promise<TGradeOutcome> => {
    const ended = await db('ending the seed series', () => endSeedSeries(prisma, run.id, extra));
    if (ended) jobLog.info({ status: ended.decision.status }, `best-of-k: the series ends (${reason}); the seeds trained decide`);
    return skipped(reason);
  };
  try {
    const s = await db('loading the submission', () =>
      prisma.submission.findUnique({
        where: { id: run.id },
        include: { exercise: { include: { policy: true } }, result: { select: { attempt: true, pendingSeed: true } } },
      }),
    );
    if (!s?.result || s.result.pendingSeed !== extra.seed || s.result.attempt !== extra.attempt) return skipped('the result no longer waits for this seed');
    let policy: TGradingPolicy;
    try {
      if (!s.exercise.policy) return await endSeries('the exercise has no grading policy');
      policy = policyFromRow(s.exercise.policy);
    } catch (e) {
      return await endSeries(`the grading policy is invalid: ${detail(e)}`);
    }
    if (policy.seedPolicy !== 'BEST_OF_K') return await endSeries('the policy no longer trains more seeds');
    const checked = checkStoredSpec(s.modelSpec, policy);
    if (!checked.ok) return await endSeries(`the model no longer fits the policy: ${checked.problems.join('; ')}`);
    const { progress, report } = progressTracker(deps, job, { attempt: Math.max(1, extra.attempt), epochs: checked.spec.epochs, restarted: false }, jobLog);
    report({});
    jobLog.info({ attempt: extra.attempt }, 'best-of-k: training with another seed');
    const data = await deps.prepareData();
    const stopped: TCancelStop = { at: null, batchesAfter: 0 };
    const end = await train(deps, job, run, {
      spec: checked.spec,
      policy,
      seed: extra.seed,
      data,
      progress,
      report,
      startedAt: Date.now(),
      stopped,
      recordEpochs: false,
    });
    switch (end.kind) {
      case 'graded': {
        const ev = end.result.evaluation;
        const trained: TSeedRun = {
          seed: extra.seed,
          testAccuracy: countedAccuracy({ testAccuracy: ev.testAccuracy, heldOut: heldOutPart(ev, policy) }),
          trainingSeconds: Math.round(end.result.trainingMs / 1000),
        };
        const schedule = scheduleOf(policy);
        const r = await db('recording the extra seed', () => finishExtraSeed(prisma, { ...run, seed: extra.seed }, trained, policy, schedule));
        if (!r) return skipped('the result no longer waits for this seed');
        jobLog.info({ status: r.decision.status, testAccuracy: trained.testAccuracy, nextSeed: r.nextSeed }, 'best-of-k: seed recorded');
        if (r.nextSeed !== null) await queueSeed(deps, job, run.id, { attempt: extra.attempt, seed: r.nextSeed });
        return {
          kind: 'graded',
          status: r.decision.status,
          attempt: extra.attempt,
          testAccuracy: ev.testAccuracy,
          trainImagesPerSecond: end.result.trainImagesPerSecond,
          reusedFrom: null,
          written: true,
        };
      }
      case 'student':
        return await endSeries(`seed ${extra.seed} could not train: ${end.message}`);
      case 'infrastructure':
        throw new Error(end.message);
      case 'stopped':
        if (end.reason === 'shutdown') return { kind: 'handed-back', attempt: extra.attempt, written: false };
        if (end.reason === 'lock-lost') throw new LockLost();
        return skipped('the submission changed meanwhile');
    }
  } catch (e) {
    if (e instanceof RetryAborted || e instanceof LockLost) {
      jobLog.warn("the job's lock was lost: another grader takes the extra seed over");
      return { kind: 'lock-lost', attempt: extra.attempt };
    }
    if (e instanceof HandBack) return { kind: 'handed-back', attempt: extra.attempt, written: false };
    const permanent = e instanceof PermanentInfraFailure;
    const final = permanent || job.lastAttempt;
    if (final)
      await endSeries(`the extra seed failed on Epoch's side: ${detail(e)}`).catch((w: unknown) => jobLog.error({ err: w }, 'could not end the seed series'));
    return { kind: 'infrastructure', attempt: extra.attempt, final, permanent, error: e, written: final };
  }
}

/** The held-out split's private part of a child's evaluation, with the split as recorded on the result (null without one). */
function heldOutPart(ev: TChildGraded['evaluation'], policy: TGradingPolicy): THeldOutPart | null {
  if (!ev.heldOut || policy.heldOutShare === null) return null;
  const { count, testLoss, ...part } = ev.heldOut;
  return {
    ...part,
    testLoss: Number.isFinite(testLoss) ? testLoss : 0,
    perClassAccuracy: part.perClassAccuracy,
    split: { seed: policy.seed, share: policy.heldOutShare, publicImages: ev.count, privateImages: count },
  };
}

interface TTrainRun {
  spec: TModelSpec;
  policy: TGradingPolicy;
  /** This run's seed (the submission's, or best-of-k's next one). */
  seed: number;
  /** Record each epoch as the attempt's history (the first seed's run only). */
  recordEpochs: boolean;
  data: TDataSource;
  progress: TGradingProgress;
  report: (patch: Partial<TGradingProgress>) => void;
  startedAt: number;
  /** Filled in when a cancellation stops the run: when it was cancelled, and the batches finished after that. */
  stopped: TCancelStop;
}

interface TCancelStop {
  at: number | null;
  batchesAfter: number;
}

/** Why this grader stopped the child: a cancellation (polled from the database), the shutdown or the lost lock. */
type TStopReason = 'cancelled' | 'shutdown' | 'lock-lost';

/**
 * Runs the grading pipeline in a fresh child process with this run's stops: a cancellation (polled from the database),
 * the grader's shutdown and a lost lock end the child at once, as do the policy's time limit and the memory limit
 * (child/training-child.ts); records every epoch as it ends and reports progress to the job.
 */
async function train(deps: TGraderDeps, job: TGradeJob, run: TRun, r: TTrainRun): Promise<TChildEnd> {
  const { prisma, log } = deps;
  const { policy, report } = r;
  const stop = new AbortController();
  const abort = (reason: TStopReason) => {
    if (!stop.signal.aborted) stop.abort(reason);
  };
  if (job.shutdown.aborted) throw new HandBack();
  if (job.lockLost.aborted) throw new LockLost();
  const onShutdown = () => abort('shutdown');
  const onLockLost = () => abort('lock-lost');
  // A cancellation, told at once (job.cancelled) or seen by the poll: remember when it was written.
  let cancelledAt: number | null = null;
  const cancelled = (at: number) => {
    cancelledAt ??= at;
    abort('cancelled');
  };
  const onCancelled = () => cancelled(typeof job.cancelled?.reason === 'number' ? job.cancelled.reason : Date.now());
  job.shutdown.addEventListener('abort', onShutdown);
  job.lockLost.addEventListener('abort', onLockLost);
  job.cancelled?.addEventListener('abort', onCancelled);
  if (job.cancelled?.aborted) onCancelled();
  // The last batches reported (when, and the batch's number counted from the start of training), to say how many
  // were finished after a cancellation.
  const batchTimes: { at: number; n: number }[] = [];
  let pollFailures = 0;
  const poll = setInterval(() => {
    prisma.submission.findUnique({ where: { id: run.id }, select: { status: true, finishedAt: true } }).then(
      (s) => {
        if (pollFailures > 0) log.info({ submissionId: run.id }, 'looking for a cancellation works again');
        pollFailures = 0;
        if (!s || s.status === 'CANCELLED') cancelled(s?.finishedAt?.getTime() ?? Date.now());
      },
      (e: unknown) => {
        if (pollFailures++ === 0) log.warn({ err: e, submissionId: run.id }, 'could not look for a cancellation; training goes on');
      },
    );
  }, deps.cancelPollMs);

  // Epochs are recorded in order as they end; while the database is away they wait (the result keeps them anyway).
  const epochs = epochRecorder((e: Parameters<typeof recordEpoch>[2]) => recordEpoch(prisma, run, e), {
    log: log.child({ submissionId: run.id, attempt: run.attempt }),
    ...(deps.retry ? { retry: deps.retry } : {}),
  });
  const limitTrain = policy.limitTrain ?? undefined;
  const batchSize = policy.batchSize;
  // The training ETA, from this run's own measured speed (contracts' TrainingEta). Before the first epoch has ended,
  // a validation pass is taken as a third of a training step per image (the data sizes as gradingWork counts them).
  const trainImages = Math.min(CIFAR10_SPLIT.train, limitTrain ?? CIFAR10_SPLIT.train);
  const validationImages = Math.min(CIFAR10_SPLIT.validation, policy.limitTest ?? CIFAR10_SPLIT.validation);
  const eta = new TrainingEta({ epochs: r.spec.epochs, validationRatio: validationImages / (3 * trainImages) });
  const etaNow = () => {
    const e = eta.estimate();
    return e ? { etaSeconds: e.seconds, etaRange: { low: e.low, high: e.high } } : { etaSeconds: null, etaRange: null };
  };
  try {
    return await deps.runChild({
      submissionId: run.id,
      job: {
        type: 'grade',
        spec: r.spec,
        settings: {
          epochs: r.spec.epochs,
          batchSize,
          seed: r.seed,
          maxParams: policy.maxParams,
          ...(policy.heldOutShare !== null ? { heldOut: { share: policy.heldOutShare, seed: policy.seed } } : {}),
          ...(limitTrain ? { limitTrain } : {}),
          ...(policy.limitTest ? { limitTest: policy.limitTest } : {}),
        },
        data: r.data,
        everyNBatches: deps.progressEveryBatches,
      },
      timeLimitMs: policy.timeLimitSeconds * 1000 - (Date.now() - r.startedAt),
      timeLimitSeconds: policy.timeLimitSeconds,
      signal: stop.signal,
      onProgress: (m) => {
        switch (m.type) {
          case 'phase':
            if (m.phase === 'evaluating') report({ phase: 'evaluating', etaSeconds: null, etaRange: null });
            break;
          case 'epoch': {
            const s = m.stats;
            if (s.seconds > 0 && r.progress.batches > 0) deps.onThroughput?.(Math.min(r.progress.batches * batchSize, limitTrain ?? Infinity) / s.seconds);
            if (r.recordEpochs)
              epochs.add({ epoch: s.epoch, loss: s.loss, accuracy: s.accuracy, valLoss: s.valLoss, valAccuracy: s.valAccuracy, seconds: s.seconds });
            eta.epochEnd(performance.now() / 1000, s.epoch);
            report({
              phase: 'training',
              epoch: s.epoch,
              batch: r.progress.batches,
              loss: finite(s.loss),
              accuracy: finite(s.accuracy),
              ...etaNow(),
            });
            break;
          }
          case 'batch': {
            const p = m.progress;
            batchTimes.push({ at: Date.now(), n: (p.epoch - 1) * p.batches + p.batch });
            if (batchTimes.length > 256) batchTimes.shift();
            eta.batch(performance.now() / 1000, p.epoch, p.batch, p.batches);
            report({
              phase: 'training',
              epoch: p.epoch - 1,
              batch: p.batch,
              batches: p.batches,
              loss: finite(p.loss),
              accuracy: finite(p.accuracy),
              imagesPerSecond: finite(p.imagesPerSecond),
              ...etaNow(),
            });
            break;
          }
        }
      },
    });
  } finally {
    clearInterval(poll);
    if (cancelledAt !== null) {
      const at = cancelledAt;
      const before = batchTimes.filter((b) => b.at <= at).at(-1)?.n ?? (batchTimes[0] ? batchTimes[0].n - deps.progressEveryBatches : 0);
      r.stopped.at = at;
      r.stopped.batchesAfter = Math.max(0, (batchTimes.at(-1)?.n ?? before) - before);
    }
    job.shutdown.removeEventListener('abort', onShutdown);
    job.lockLost.removeEventListener('abort', onLockLost);
    job.cancelled?.removeEventListener('abort', onCancelled);
    await epochs.end();
  }
}
