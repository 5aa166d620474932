import type { TGradingPolicy, TVerdict } from '@epoch/contracts';
import { creditAt, isLate, type TSchedule } from './schedule';

export interface TDecision {
  status: TVerdict;
  /** What the student reads: why it failed (null when it passed). */
  message: string | null;
  /** The share of full marks the result counts for (0–1), from the schedule at submission time (see creditAt). */
  credit: number;
  /** Submitted after the (student's) deadline. */
  late: boolean;
}

/** How the result came about, for the message: trained now, copied from an identical submission, or re-decided later. */
export type TDecisionBasis = 'graded' | 'reused' | 'redecided';

/** Both figures as percentages with one decimal, or as many as it takes (up to 4) to show that they differ. */
function percents(a: number, b: number): [string, string] {
  for (let d = 1; d < 4; d++) if ((100 * a).toFixed(d) !== (100 * b).toFixed(d)) return [`${(100 * a).toFixed(d)}%`, `${(100 * b).toFixed(d)}%`];
  return [`${(100 * a).toFixed(4)}%`, `${(100 * b).toFixed(4)}%`];
}
const BASIS_NOTE: Record<TDecisionBasis, string> = {
  graded: '',
  reused: ' (result reused from an identical earlier submission)',
  redecided: ' (re-decided after a threshold change)',
};

/**
 * The verdict on a graded result, and the message that goes with it: the only place that compares a test accuracy with
 * the pass mark. `schedule` is the one in force when the work was submitted, with the student's extension (late
 * submissions are refused at submission when the schedule says so; an accepted late submission is judged like any
 * other and counts for the late window's credit). `submittedAt` null (a local run): on time, full credit.
 */
export function decide(
  result: { testAccuracy: number },
  policy: Pick<TGradingPolicy, 'minTestAccuracy'>,
  schedule: TSchedule,
  basis: TDecisionBasis = 'graded',
  submittedAt: Date | null = null,
): TDecision {
  const late = submittedAt !== null && isLate(schedule, submittedAt);
  const credit = submittedAt === null ? 1 : creditAt(schedule, submittedAt);
  if (result.testAccuracy >= policy.minTestAccuracy) return { status: 'PASSED', message: null, credit, late };
  const [got, needed] = percents(result.testAccuracy, policy.minTestAccuracy);
  return { status: 'FAILED', message: `Test accuracy ${got} is below the required ${needed}${BASIS_NOTE[basis]}.`, credit, late };
}
