import { z } from 'zod';

/**
 * The statuses a submission is stored with (Postgres enum SubmissionStatus; a unit test in @epoch/grading keeps the two
 * equal). Which status may follow which is @epoch/grading's lifecycle table; every status change goes through it.
 */
export const SUBMISSION_STATES = ['RECEIVED', 'QUEUED', 'RUNNING', 'PASSED', 'FAILED', 'REJECTED', 'ERROR', 'CANCELLED'] as const;
export const ZSubmissionState = z.enum(SUBMISSION_STATES);
export type TSubmissionState = z.infer<typeof ZSubmissionState>;

/** Statuses that end a submission's grading: nothing happens to it any more unless someone regrades it. */
export const FINAL_STATES: ReadonlySet<string> = new Set<TSubmissionState>(['PASSED', 'FAILED', 'REJECTED', 'ERROR', 'CANCELLED']);

/** True once the submission's grading has ended (also for the API's GRADED, a hidden PASSED/FAILED). */
export function isFinalStatus(status: string): boolean {
  return FINAL_STATES.has(status) || status === 'GRADED';
}

/** The verdicts: a graded submission is PASSED or FAILED (see @epoch/grading's decide). */
export type TVerdict = Extract<TSubmissionState, 'PASSED' | 'FAILED'>;

/**
 * Which status may follow which. Creation counts as leaving RECEIVED (a submission is checked as it arrives and stored
 * QUEUED or REJECTED). RUNNING -> RUNNING is a new attempt claiming a submission whose grader died; RUNNING -> QUEUED
 * hands it back (shutdown, or an infrastructure failure BullMQ retries); PASSED <-> FAILED is a re-decision; a final
 * PASSED, FAILED or ERROR goes back to QUEUED when staff retrain it. @epoch/grading enforces this table on every write.
 */
export const SUBMISSION_TRANSITIONS: Readonly<Record<TSubmissionState, readonly TSubmissionState[]>> = {
  RECEIVED: ['QUEUED', 'REJECTED', 'CANCELLED'],
  QUEUED: ['RUNNING', 'CANCELLED', 'ERROR'],
  RUNNING: ['RUNNING', 'QUEUED', 'PASSED', 'FAILED', 'REJECTED', 'ERROR', 'CANCELLED'],
  PASSED: ['FAILED', 'QUEUED'],
  FAILED: ['PASSED', 'QUEUED'],
  ERROR: ['QUEUED'],
  REJECTED: [],
  CANCELLED: [],
};

/** True when the lifecycle allows `from` -> `to`. */
export function canTransition(from: TSubmissionState, to: TSubmissionState): boolean {
  return SUBMISSION_TRANSITIONS[from].includes(to);
}

/** Final statuses that staff can send back to the queue (retrain). */
export const RETRAINABLE_STATES: readonly TSubmissionState[] = SUBMISSION_STATES.filter((s) => FINAL_STATES.has(s) && canTransition(s, 'QUEUED'));
