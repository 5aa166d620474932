import { ZHeldOutPart, ZSeedRun, type TGradingPolicy, type TSeedRun, type TVerdict } from '@epoch/contracts';
import { z } from 'zod';
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

/**
 * A formatter of percentages with one decimal, or as many as it takes (up to `maxDigits`) to show these different
 * values apart: a verdict's accuracy and pass mark, a calibration's suggested mark and the seeds around it.
 */
export function percentsApart(values: readonly number[], maxDigits: number): (x: number) => string {
  const distinct = new Set(values).size;
  for (let d = 1; d < maxDigits; d++) {
    if (new Set(values.map((v) => (100 * v).toFixed(d))).size === distinct) return (x) => `${(100 * x).toFixed(d)}%`;
  }
  return (x) => `${(100 * x).toFixed(maxDigits)}%`;
}

/** A failing accuracy and the pass mark, told apart (see percentsApart). */
function percents(a: number, b: number): [string, string] {
  const p = percentsApart([a, b], 4);
  return [p(a), p(b)];
}
const BASIS_NOTE: Record<TDecisionBasis, string> = {
  graded: '',
  reused: ' (result reused from an identical earlier submission)',
  redecided: ' (re-decided after a threshold change)',
};

/** What decide() reads of a result: the whole (or public) test accuracy, and when recorded its seed runs and held-out part. */
export interface TDecidable {
  testAccuracy: number;
  /** Every seed trained with the accuracy that counted for it (stored as JSON: read defensively). */
  seedRuns?: unknown;
  /** The held-out split's private part (stored as JSON): its accuracy decides when present. */
  heldOut?: unknown;
}

const ZSeedRuns = z.array(ZSeedRun);

/** The seed runs a result records (older results have none: their one run is testAccuracy). */
export function seedRunsOf(result: TDecidable): TSeedRun[] {
  const parsed = ZSeedRuns.safeParse(result.seedRuns);
  return parsed.success ? parsed.data : [];
}

/** The accuracy of one run that the verdict uses: the private part's under a held-out split, else the whole test set's. */
export function countedAccuracy(run: TDecidable): number {
  const held = ZHeldOutPart.safeParse(run.heldOut);
  return held.success ? held.data.testAccuracy : run.testAccuracy;
}

/**
 * The accuracy a result's verdict is about: the best of its seed runs (best-of-k), each counted on the held-out split's
 * private part when it has one; a result without recorded seed runs counts its one run. decide() judges this number,
 * and every view that quotes a result's accuracy next to its verdict (notices, e-mails, attempts, class results,
 * gradebook, the LMS score) quotes it, where the viewer may see the verdict.
 */
export function judgedAccuracy(result: TDecidable): number {
  const runs = seedRunsOf(result);
  return runs.length ? Math.max(...runs.map((r) => r.testAccuracy)) : countedAccuracy(result);
}

/** The one comparison of an accuracy with the pass mark (decide() and best-of-k's margin both go through it). */
function reachesPassMark(accuracy: number, policy: Pick<TGradingPolicy, 'minTestAccuracy'>): boolean {
  return accuracy >= policy.minTestAccuracy;
}

/**
 * The verdict on a graded result, and the message that goes with it: the only place that compares a test accuracy with
 * the pass mark. Over every recorded seed run (best-of-k: it passes when any run passes), each judged on the held-out
 * split's private part when the result has one. `schedule` is the one in force when the work was submitted, with the
 * student's extension (late submissions are refused at submission when the schedule says so; an accepted late
 * submission is judged like any other and counts for the late window's credit). `submittedAt` null (a local run): on
 * time, full credit.
 */
export function decide(
  result: TDecidable,
  policy: Pick<TGradingPolicy, 'minTestAccuracy'>,
  schedule: TSchedule,
  basis: TDecisionBasis = 'graded',
  submittedAt: Date | null = null,
): TDecision {
  const late = submittedAt !== null && isLate(schedule, submittedAt);
  const credit = submittedAt === null ? 1 : creditAt(schedule, submittedAt);
  const runs = seedRunsOf(result);
  const best = judgedAccuracy(result);
  if (reachesPassMark(best, policy)) return { status: 'PASSED', message: null, credit, late };
  const [got, needed] = percents(best, policy.minTestAccuracy);
  const what = ZHeldOutPart.safeParse(result.heldOut).success ? 'Test accuracy on the held-out images' : 'Test accuracy';
  const seeds = runs.length > 1 ? ` (the best of ${runs.length} seeds: ${runs.map((r) => r.seed).join(', ')})` : '';
  return { status: 'FAILED', message: `${what} ${got}${seeds} is below the required ${needed}${BASIS_NOTE[basis]}.`, credit, late };
}

/**
 * Best-of-k: whether a result that does not pass is close enough to the pass mark (within `bestOfMargin` below it) to
 * be trained with another seed, while fewer than `bestOfSeeds` runs were made. The same comparison as decide().
 */
export function wantsAnotherSeed(
  runs: readonly TSeedRun[],
  policy: Pick<TGradingPolicy, 'minTestAccuracy' | 'seedPolicy' | 'bestOfSeeds' | 'bestOfMargin'>,
): boolean {
  if (policy.seedPolicy !== 'BEST_OF_K' || runs.length === 0 || runs.length >= policy.bestOfSeeds) return false;
  const best = Math.max(...runs.map((r) => r.testAccuracy));
  return !reachesPassMark(best, policy) && reachesPassMark(best + policy.bestOfMargin + 1e-12, policy);
}
