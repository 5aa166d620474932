import { TZDate } from '@date-fns/tz';
import type { TGradingPolicy, TSubmissionState, TSubmissionStatus } from '@epoch/contracts';

/**
 * When an exercise accepts work, what late work counts for and when results become visible: the opening, the
 * deadline, what happens to late submissions (refused, or accepted with the late windows' credit) and result
 * visibility. The one owner of these rules. The schedule in force at submission time (with the student's extension,
 * see withException) feeds decide(); the one in force now decides visibility.
 */
export interface TSchedule {
  opensAt?: Date | null;
  deadline: Date | null;
  latePolicy: TGradingPolicy['latePolicy'];
  /** Late windows, in increasing order of hours after the deadline (null: late work counts in full). */
  lateCredit?: TGradingPolicy['lateCredit'];
  resultVisibility: TGradingPolicy['resultVisibility'];
  /** The deadline is the student's own (an extension), not the exercise's. */
  extended?: boolean;
}

type TScheduleFields = Pick<TGradingPolicy, 'latePolicy' | 'resultVisibility'> & {
  deadline: string | Date | null;
  opensAt?: string | Date | null;
  lateCredit?: unknown;
};

const dateOrNull = (v: string | Date | null | undefined): Date | null => (v === null || v === undefined ? null : new Date(v));

function lateWindows(v: unknown): TGradingPolicy['lateCredit'] {
  if (!Array.isArray(v) || v.length === 0) return null;
  const ws = v.filter((w): w is { hours: number; credit: number } => typeof w?.hours === 'number' && typeof w?.credit === 'number');
  return ws.length ? [...ws].sort((a, b) => a.hours - b.hours) : null;
}

/** The schedule part of a policy (contract form or database row). */
export function scheduleOf(policy: TScheduleFields): TSchedule {
  return {
    opensAt: dateOrNull(policy.opensAt),
    deadline: dateOrNull(policy.deadline),
    latePolicy: policy.latePolicy,
    lateCredit: lateWindows(policy.lateCredit),
    resultVisibility: policy.resultVisibility,
    extended: false,
  };
}

/** A student's exception for an exercise (their extension and quota overrides); null fields keep the policy's. */
export interface TStudentException {
  deadline: Date | null;
  extraSubmissions: number;
  dailyQuota: number | null;
  totalQuota: number | null;
}

/** The schedule as it applies to one student: their extension's deadline replaces the exercise's (late windows follow it). */
export function withException(schedule: TSchedule, exception: Pick<TStudentException, 'deadline'> | null | undefined): TSchedule {
  if (!exception?.deadline) return schedule;
  return { ...schedule, deadline: exception.deadline, extended: true };
}

/** The quota as it applies to one student: overrides replace the policy's figures, extra submissions add to the total. */
export function quotaOf(
  policy: { dailyQuota: number | null; totalQuota: number | null },
  exception: TStudentException | null | undefined,
): { dailyQuota: number | null; totalQuota: number | null } {
  const daily = exception?.dailyQuota ?? policy.dailyQuota;
  const total = exception?.totalQuota ?? policy.totalQuota;
  return { dailyQuota: daily, totalQuota: total === null ? null : total + (exception?.extraSubmissions ?? 0) };
}

/** A submission made at `at` is late when the schedule has a deadline and `at` is after it. */
export function isLate(schedule: Pick<TSchedule, 'deadline'>, at: Date): boolean {
  return schedule.deadline !== null && at.getTime() > schedule.deadline.getTime();
}

/** Where `at` falls: before the opening, in time, in a late window, or after the last one (closed). */
export type TWindow = 'NOT_OPEN' | 'ON_TIME' | 'LATE' | 'CLOSED';

export function windowAt(schedule: TSchedule, at: Date): TWindow {
  if (schedule.opensAt && at.getTime() < schedule.opensAt.getTime()) return 'NOT_OPEN';
  if (!isLate(schedule, at)) return 'ON_TIME';
  if (schedule.latePolicy === 'REFUSE') return 'CLOSED';
  const last = schedule.lateCredit?.at(-1);
  if (last && schedule.deadline && at.getTime() > schedule.deadline.getTime() + last.hours * 3_600_000) return 'CLOSED';
  return 'LATE';
}

/** When late work stops being accepted (null: never, or there is no deadline). */
export function closesAt(schedule: TSchedule): Date | null {
  if (!schedule.deadline) return null;
  if (schedule.latePolicy === 'REFUSE') return schedule.deadline;
  const last = schedule.lateCredit?.at(-1);
  return last ? new Date(schedule.deadline.getTime() + last.hours * 3_600_000) : null;
}

/**
 * The share of full marks (0–1) a result of work submitted at `at` counts for: 1 in time; in a late window, that
 * window's credit; late without windows, 1 when late work is accepted; outside the schedule (not open yet, closed:
 * possible only after the schedule changed), 0.
 */
export function creditAt(schedule: TSchedule, at: Date): number {
  const w = windowAt(schedule, at);
  if (w === 'ON_TIME') return 1;
  if (w !== 'LATE') return 0;
  const deadline = schedule.deadline?.getTime() ?? 0;
  const win = schedule.lateCredit?.find((x) => at.getTime() <= deadline + x.hours * 3_600_000);
  return win ? win.credit : 1;
}

/** Whether a submission made at `at` is refused: before the opening, or after late work stopped being accepted. */
export function refusesSubmission(schedule: TSchedule, at: Date): boolean {
  const w = windowAt(schedule, at);
  return w === 'NOT_OPEN' || w === 'CLOSED';
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

/** The start (midnight) of the calendar day containing `now` in `timeZone`: the quota day. */
export function dayStartIn(timeZone: string, now = new Date()): Date {
  const local = new TZDate(now.getTime(), timeZone);
  return new Date(new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), timeZone).getTime());
}
