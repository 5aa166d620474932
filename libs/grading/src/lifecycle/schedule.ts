import type { TGradingPolicy, TSubmissionState, TSubmissionStatus } from '@epoch/contracts';

/**
 * When an exercise accepts work and shows results: the deadline, what happens to late submissions and when results
 * become visible. The schedule in force at submission time feeds decide(); the one in force now decides visibility.
 */
export interface TSchedule {
  deadline: Date | null;
  latePolicy: TGradingPolicy['latePolicy'];
  resultVisibility: TGradingPolicy['resultVisibility'];
}

type TScheduleFields = Pick<TGradingPolicy, 'latePolicy' | 'resultVisibility'> & { deadline: string | Date | null };

/** The schedule part of a policy (contract form or database row). */
export function scheduleOf(policy: TScheduleFields): TSchedule {
  return {
    deadline: policy.deadline === null ? null : new Date(policy.deadline),
    latePolicy: policy.latePolicy,
    resultVisibility: policy.resultVisibility,
  };
}

/** A submission made at `at` is late when the schedule has a deadline and `at` is after it. */
export function isLate(schedule: Pick<TSchedule, 'deadline'>, at: Date): boolean {
  return schedule.deadline !== null && at.getTime() > schedule.deadline.getTime();
}

/** Whether a submission made at `at` is refused: late under a schedule that refuses late work. */
export function refusesSubmission(schedule: TSchedule, at: Date): boolean {
  return isLate(schedule, at) && schedule.latePolicy === 'REFUSE';
}

/**
 * Whether a student's verdict is hidden from them: under AFTER_DEADLINE a student sees neither test accuracy nor
 * pass/fail of their own submissions before the deadline, and under a held-out test split (heldOutShare) neither the
 * verdict nor the private part's numbers it is decided on (the public part stays visible: publicPartHidden). Course
 * staff always see everything. Without a deadline there is nothing to wait for.
 */
export function resultHidden(
  schedule: (Pick<TSchedule, 'deadline' | 'resultVisibility'> & { heldOutShare?: number | null }) | null,
  viewer: 'OWNER' | 'STAFF',
  now = new Date(),
): boolean {
  if (viewer === 'STAFF' || !schedule || !schedule.deadline) return false;
  if (schedule.resultVisibility !== 'AFTER_DEADLINE' && (schedule.heldOutShare ?? null) === null) return false;
  return now.getTime() < schedule.deadline.getTime();
}

/** While the verdict is hidden: whether the public numbers (accuracy, per class, plots) are hidden too (AFTER_DEADLINE). */
export function publicPartHidden(verdictHidden: boolean, schedule: Pick<TSchedule, 'resultVisibility'> | null): boolean {
  return verdictHidden && schedule?.resultVisibility === 'AFTER_DEADLINE';
}

/** The status a viewer is shown: PASSED/FAILED become GRADED while the result is hidden from them. */
export function shownStatus(status: TSubmissionState, hidden: boolean): TSubmissionStatus {
  return hidden && (status === 'PASSED' || status === 'FAILED') ? 'GRADED' : status;
}
