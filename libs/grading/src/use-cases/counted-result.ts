import type { TCountedResult } from '@epoch/contracts';

/** What the counting rule reads of one submission (any status; only graded ones with a result can count). */
export interface TAttemptFact {
  id: string;
  status: string;
  createdAt: Date;
  testAccuracy: number | null;
  late: boolean;
  /** From decide() (null: not decided yet; a graded row without one counts in full). */
  credit: number | null;
}

/**
 * The one counting rule: which of a student's attempts at an exercise counts, and what it counts for. Only graded
 * attempts (PASSED/FAILED with a test accuracy) count. `LAST`: the latest graded one. `BEST`: the one with the highest
 * score (credit when passed, 0 when failed), then the highest test accuracy, then the latest. The score is the share of
 * full marks (0–1) the exercise is worth to the student: passed on time 1, passed in a late window its credit.
 * Used by the class results, the gradebook and the LMS grade.
 */
export function countedResult(attempts: readonly TAttemptFact[], rule: 'BEST' | 'LAST'): TCountedResult | null {
  const graded = attempts
    .filter((a) => (a.status === 'PASSED' || a.status === 'FAILED') && a.testAccuracy !== null)
    .map((a) => {
      const credit = a.credit ?? 1;
      return { a, credit, score: a.status === 'PASSED' ? credit : 0 };
    })
    .sort((x, y) => x.a.createdAt.getTime() - y.a.createdAt.getTime() || x.a.id.localeCompare(y.a.id));
  if (graded.length === 0) return null;
  const pick =
    rule === 'LAST'
      ? graded.at(-1)
      : graded.reduce((best, g) =>
          g.score > best.score || (g.score === best.score && (g.a.testAccuracy as number) >= (best.a.testAccuracy as number)) ? g : best,
        );
  if (!pick) return null;
  return {
    submissionId: pick.a.id,
    status: pick.a.status === 'PASSED' ? 'PASSED' : 'FAILED',
    testAccuracy: pick.a.testAccuracy as number,
    submittedAt: pick.a.createdAt.toISOString(),
    late: pick.a.late,
    credit: pick.credit,
    score: pick.score,
  };
}
