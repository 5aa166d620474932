import { judgedAccuracy } from '../lifecycle/decide';
import type { EpochPrismaClient } from '@epoch/db';
import { ZSubmissionStatus, type TClassResultRow, type TClassResults } from '@epoch/contracts';
import { countedResult, type TAttemptFact } from './counted-result';
import type { TExerciseRef } from './submit';

export interface TSubmissionFact extends Omit<TAttemptFact, 'credit'> {
  userId: string;
  credit?: number | null;
}

/**
 * One row per student from their submissions (any order): attempts exclude rejected and cancelled ones; the counted
 * result (and whether the student passed) comes from countedResult under the exercise's rule.
 */
export function classRows(
  students: { id: string; email: string; name: string }[],
  facts: TSubmissionFact[],
  rule: 'BEST' | 'LAST' = 'BEST',
): TClassResultRow[] {
  const byUser = new Map<string, TSubmissionFact[]>();
  for (const f of facts) byUser.set(f.userId, [...(byUser.get(f.userId) ?? []), f]);
  return students.map((u) => {
    const mine = (byUser.get(u.id) ?? []).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
    const graded = mine.filter((f) => f.testAccuracy !== null);
    const latest = mine.at(-1);
    const counted = countedResult(
      mine.map((f) => ({ ...f, credit: f.credit ?? null })),
      rule,
    );
    return {
      userId: u.id,
      email: u.email,
      name: u.name,
      attempts: mine.filter((f) => f.status !== 'REJECTED' && f.status !== 'CANCELLED').length,
      bestTestAccuracy: graded.length ? Math.max(...graded.map((f) => f.testAccuracy as number)) : null,
      latestTestAccuracy: graded.at(-1)?.testAccuracy ?? null,
      passed: counted?.status === 'PASSED',
      lastSubmissionAt: latest?.createdAt.toISOString() ?? null,
      late: latest?.late ?? false,
      latestSubmissionId: latest?.id ?? null,
      latestStatus: (latest && ZSubmissionStatus.safeParse(latest.status).data) ?? null,
      counted,
    };
  });
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Pass rate, median best accuracy and its distribution in ten bins (1.0 falls in the last). */
export function classSummary(rows: TClassResultRow[]): TClassResults['summary'] {
  const best = rows.flatMap((r) => (r.bestTestAccuracy === null ? [] : [r.bestTestAccuracy]));
  const passed = rows.filter((r) => r.passed).length;
  const distribution = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10, count: 0 }));
  for (const b of best) {
    const bin = distribution[Math.min(9, Math.max(0, Math.floor(b * 10)))];
    if (bin) bin.count++;
  }
  return { students: rows.length, withResult: best.length, passed, passRate: rows.length ? passed / rows.length : 0, medianBest: median(best), distribution };
}

export const CSV_COLUMNS = [
  'email',
  'name',
  'user_id',
  'attempts',
  'best_test_accuracy',
  'latest_test_accuracy',
  'passed',
  'last_submission_at',
  'late',
] as const;

export function csvRecords(rows: TClassResultRow[]): (string | number)[][] {
  return rows.map((r) => [
    r.email,
    r.name,
    r.userId,
    r.attempts,
    r.bestTestAccuracy ?? '',
    r.latestTestAccuracy ?? '',
    r.passed ? 'yes' : 'no',
    r.lastSubmissionAt ?? '',
    r.late ? 'yes' : 'no',
  ]);
}

/** An exercise's class results: one row per enrolled student (by email) and the summary, from graded runs only (practice and calibration runs count for nothing). */
export async function classResults(prisma: EpochPrismaClient, exercise: TExerciseRef & { courseId: string }): Promise<TClassResults> {
  const [enrolled, subs] = await Promise.all([
    prisma.enrollment.findMany({
      where: { courseId: exercise.courseId, role: 'STUDENT' },
      include: { user: { select: { id: true, email: true, name: true } } },
      orderBy: { user: { email: 'asc' } },
    }),
    prisma.submission.findMany({
      where: { exerciseId: exercise.id, kind: 'GRADED' },
      select: {
        id: true,
        userId: true,
        status: true,
        late: true,
        credit: true,
        createdAt: true,
        result: { select: { testAccuracy: true, seedRuns: true, heldOut: true } },
      },
    }),
  ]);
  const rows = classRows(
    enrolled.map((e) => e.user),
    subs.map((s) => ({ ...s, testAccuracy: s.result ? judgedAccuracy(s.result) : null })),
    exercise.policy?.countedResult ?? 'BEST',
  );
  return { exercise: exercise.slug, minTestAccuracy: exercise.policy?.minTestAccuracy ?? 0, summary: classSummary(rows), rows };
}
