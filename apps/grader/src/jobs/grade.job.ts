import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { GRADE_JOB_NAME, ZGradingJobPayload, type TExtraSeedJob, type TGradingJobPayload, type TGradingProgress } from '@epoch/contracts';
import { gradeExtraSeed, gradeSubmission, type TGradeOutcome, type TGraderDeps } from '../grade-submission';

export { GRADE_JOB_NAME };

/** Outcome labels of the job-duration metric. */
export type TJobOutcome = 'passed' | 'failed' | 'rejected' | 'error' | 'retry' | 'cancelled' | 'skipped' | 'handed-back' | 'lock-lost';

export interface TGradeJobHooks {
  /** Aborted when the worker shuts down. */
  shutdown: AbortSignal;
  /** Aborted when BullMQ reports this job's lock lost (it could not be renewed). */
  lockLost: AbortSignal;
  /** Aborted when the API says this submission was cancelled (the reason: when, ms since the epoch). */
  cancelled?: AbortSignal;
  /** Queues best-of-k's next seed of a submission, on the queue this job came from. */
  queueExtraSeed?: (submissionId: string, extra: TExtraSeedJob) => Promise<void>;
  onFinished?: (outcome: TJobOutcome, seconds: number) => void;
  onFailure?: (kind: 'student' | 'infrastructure') => void;
}

/** Validates a job's payload; a bad one can never succeed, so it fails without retries and names the problem. */
export function parseGradeJob(data: unknown): TGradingJobPayload {
  const r = ZGradingJobPayload.safeParse(data);
  if (r.success) return r.data;
  throw new UnrecoverableError(
    `invalid ${GRADE_JOB_NAME} job payload: ${r.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`,
  );
}

/** The metric label of an outcome. */
function label(o: TGradeOutcome): TJobOutcome {
  switch (o.kind) {
    case 'graded':
      return o.status === 'PASSED' ? 'passed' : 'failed';
    case 'student':
      return o.status === 'FAILED' ? 'failed' : 'rejected';
    case 'infrastructure':
      return o.final ? 'error' : 'retry';
    case 'cancelled':
    case 'skipped':
    case 'handed-back':
    case 'lock-lost':
      return o.kind;
  }
}

/**
 * The `grade` job: validates the payload, runs the grading use case, and turns its outcome into BullMQ's terms:
 * student-caused endings fail without retry (UnrecoverableError), infrastructure failures are thrown for BullMQ's retry
 * with backoff (the last one, already stored as ERROR, too), and a hand-back on shutdown returns the job to waiting. A
 * job whose lock was lost is left to the grader that holds it now.
 */
export async function handleGradeJob(deps: TGraderDeps, hooks: TGradeJobHooks, job: Job, token: string | undefined): Promise<TGradeOutcome> {
  const started = performance.now();
  const { submissionId, extraSeed } = parseGradeJob(job.data);
  const { log } = deps;
  const queueExtraSeed = hooks.queueExtraSeed;
  const run = {
    submissionId,
    enqueuedAt: job.timestamp,
    lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
    shutdown: hooks.shutdown,
    lockLost: hooks.lockLost,
    ...(hooks.cancelled ? { cancelled: hooks.cancelled } : {}),
    ...(queueExtraSeed ? { queueExtraSeed: (extra: TExtraSeedJob) => queueExtraSeed(submissionId, extra) } : {}),
    updateProgress: (p: TGradingProgress) => job.updateProgress(p),
  };
  // Best-of-k's extra seed of a graded result, or a submission's own run.
  const outcome = extraSeed ? await gradeExtraSeed(deps, run, extraSeed) : await gradeSubmission(deps, run);
  hooks.onFinished?.(label(outcome), (performance.now() - started) / 1000);
  switch (outcome.kind) {
    case 'graded':
    case 'cancelled':
      return outcome;
    case 'skipped':
      log.info({ submissionId, reason: outcome.reason }, 'job skipped');
      return outcome;
    case 'lock-lost':
      // The job is no longer this worker's: BullMQ refuses to complete it, and the grader that holds it now grades it.
      return outcome;
    case 'handed-back':
      await job.moveToWait(token);
      log.info({ submissionId }, 'job handed back to the queue (shutdown)');
      throw new WaitingError();
    case 'student':
      hooks.onFailure?.('student');
      if (outcome.written) log.info({ submissionId, status: outcome.status, reason: outcome.reason }, 'graded: student-caused failure');
      throw new UnrecoverableError(outcome.reason);
    case 'infrastructure': {
      hooks.onFailure?.('infrastructure');
      const e = outcome.error;
      if (outcome.final) log.error({ err: e, submissionId, attemptsMade: job.attemptsMade + 1 }, 'grading failed for good (infrastructure): ERROR');
      else log.warn({ err: e, submissionId, attemptsMade: job.attemptsMade + 1 }, 'grading failed (infrastructure); BullMQ retries it');
      if (outcome.permanent) throw new UnrecoverableError(e instanceof Error ? e.message : String(e));
      throw e instanceof Error ? e : new Error(String(e));
    }
  }
}
