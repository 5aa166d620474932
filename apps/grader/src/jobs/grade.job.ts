import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { GRADE_JOB_NAME, ZGradingJobPayload, type TGradingJobPayload, type TGradingProgress } from '@epoch/contracts';
import { gradeSubmission, ownedBy, type TGradeOutcome, type TGraderDeps } from '../grade-submission';
import { HandBack, notYourFault, PermanentInfraFailure, StudentFailure } from '../grading-errors';

export { GRADE_JOB_NAME };

/** Outcome labels of the job-duration metric. */
export type TJobOutcome = 'passed' | 'failed' | 'rejected' | 'error' | 'retry' | 'cancelled' | 'skipped' | 'handed-back';

export interface TGradeJobHooks {
  /** Aborted when the worker shuts down. */
  shutdown: AbortSignal;
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

const detail = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The `grade` job: grades the submission and maps every ending to the submission's status and BullMQ's retry logic.
 * Student-caused failures end FAILED/REJECTED at once (UnrecoverableError: no retry). Infrastructure failures go back
 * to QUEUED for BullMQ's retry with backoff; the last attempt ends ERROR with infraError (not counted against quota).
 * On shutdown the job is moved back to waiting for another worker.
 */
export async function handleGradeJob(deps: TGraderDeps, hooks: TGradeJobHooks, job: Job, token: string | undefined): Promise<TGradeOutcome> {
  const started = performance.now();
  const finish = (o: TJobOutcome) => hooks.onFinished?.(o, (performance.now() - started) / 1000);
  const { submissionId } = parseGradeJob(job.data);
  const { prisma, log } = deps;
  let attempt: number | null = null;
  try {
    const outcome = await gradeSubmission(deps, {
      submissionId,
      enqueuedAt: job.timestamp,
      shutdown: hooks.shutdown,
      updateProgress: (p: TGradingProgress) => {
        attempt = p.attempt;
        return job.updateProgress(p);
      },
    });
    finish(outcome.status === 'PASSED' ? 'passed' : outcome.status === 'FAILED' ? 'failed' : outcome.status === 'CANCELLED' ? 'cancelled' : 'skipped');
    if (outcome.status === 'SKIPPED') log.info({ submissionId, reason: outcome.reason }, 'job skipped');
    return outcome;
  } catch (e) {
    const current = await prisma.submission.findUnique({ where: { id: submissionId }, select: { attemptCount: true, status: true } }).catch(() => null);
    const owned = ownedBy(submissionId, attempt ?? current?.attemptCount ?? -1);
    if (e instanceof HandBack) {
      await job.moveToWait(token);
      finish('handed-back');
      log.info({ submissionId }, 'job handed back to the queue (shutdown)');
      throw new WaitingError();
    }
    if (e instanceof StudentFailure) {
      await prisma.submission.updateMany({ where: owned, data: { status: e.status, errorMessage: e.message, finishedAt: new Date(), infraError: false } });
      hooks.onFailure?.('student');
      finish(e.status === 'FAILED' ? 'failed' : 'rejected');
      log.info({ submissionId, status: e.status, reason: e.message }, 'graded: student-caused failure');
      throw new UnrecoverableError(e.message);
    }
    hooks.onFailure?.('infrastructure');
    const last = e instanceof PermanentInfraFailure || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (last) {
      await prisma.submission.updateMany({
        where: owned,
        data: { status: 'ERROR', infraError: true, errorMessage: notYourFault(detail(e)), finishedAt: new Date() },
      });
      finish('error');
      log.error({ err: e, submissionId, attemptsMade: job.attemptsMade + 1 }, 'grading failed for good (infrastructure): ERROR');
      if (e instanceof PermanentInfraFailure) throw new UnrecoverableError(e.message);
    } else {
      await prisma.submission.updateMany({ where: owned, data: { status: 'QUEUED' } });
      finish('retry');
      log.warn({ err: e, submissionId, attemptsMade: job.attemptsMade + 1 }, 'grading failed (infrastructure); BullMQ retries it');
    }
    throw e;
  }
}
