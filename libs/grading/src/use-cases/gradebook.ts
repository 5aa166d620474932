import { judgedAccuracy } from '../lifecycle/decide';
import type { TGradebook, TGradebookQuery, TGradebookRow } from '@epoch/contracts';
import type { TDb } from '@epoch/db';
import { countedResult } from './counted-result';

/**
 * A course's gradebook: one row per student (or only `onlyUserId`'s, the student's own view), one cell per exercise
 * with the result that counts (countedResult, under each exercise's best/last setting), late and extension marks and
 * the credit; the total is the sum of the cells' scores. Filtered by name/email (`q`) and sorted.
 */
export async function gradebook(
  db: TDb,
  course: { id: string; slug: string; timeZone: string },
  query: Pick<TGradebookQuery, 'q' | 'sort' | 'order'>,
  onlyUserId?: string,
): Promise<TGradebook> {
  const q = query.q?.trim().toLowerCase();
  const [exercises, enrolled] = await Promise.all([
    db.exercise.findMany({ where: { courseId: course.id, removedAt: null }, include: { policy: true }, orderBy: { position: 'asc' } }),
    db.enrollment.findMany({
      where: { courseId: course.id, role: 'STUDENT', ...(onlyUserId ? { userId: onlyUserId } : {}) },
      include: { user: { select: { id: true, email: true, name: true } } },
    }),
  ]);
  const students = enrolled.map((e) => e.user).filter((u) => !q || u.email.toLowerCase().includes(q) || u.name.toLowerCase().includes(q));
  const exerciseIds = exercises.map((e) => e.id);
  const userIds = students.map((u) => u.id);
  const [subs, exceptions] = await Promise.all([
    db.submission.findMany({
      where: { exerciseId: { in: exerciseIds }, userId: { in: userIds }, kind: 'GRADED', status: { in: ['PASSED', 'FAILED'] } },
      select: {
        id: true,
        userId: true,
        exerciseId: true,
        status: true,
        late: true,
        credit: true,
        createdAt: true,
        result: { select: { testAccuracy: true, seedRuns: true, heldOut: true } },
      },
    }),
    db.studentException.findMany({
      where: { exerciseId: { in: exerciseIds }, userId: { in: userIds }, deadline: { not: null } },
      select: { exerciseId: true, userId: true },
    }),
  ]);
  const key = (userId: string, exerciseId: string) => `${userId}\n${exerciseId}`;
  const byCell = new Map<string, typeof subs>();
  for (const s of subs) byCell.set(key(s.userId, s.exerciseId), [...(byCell.get(key(s.userId, s.exerciseId)) ?? []), s]);
  const extended = new Set(exceptions.map((e) => key(e.userId, e.exerciseId)));
  const rows: TGradebookRow[] = students.map((u) => {
    const cells = exercises.map((ex) => {
      const mine = byCell.get(key(u.id, ex.id)) ?? [];
      const counted = countedResult(
        mine.map((s) => ({ ...s, testAccuracy: s.result ? judgedAccuracy(s.result) : null })),
        ex.policy?.countedResult ?? 'BEST',
      );
      return { exerciseSlug: ex.slug, counted, attempts: mine.length, extended: extended.has(key(u.id, ex.id)) };
    });
    return {
      userId: u.id,
      email: u.email,
      name: u.name,
      cells,
      total: cells.reduce((t, c) => t + (c.counted?.score ?? 0), 0),
      passed: cells.filter((c) => c.counted?.status === 'PASSED').length,
    };
  });
  const dir = query.order === 'desc' ? -1 : 1;
  // Sorted by the chosen column in the chosen direction; ties by email, always ascending.
  rows.sort((a, b) => {
    const primary = query.sort === 'total' ? a.total - b.total : query.sort === 'name' ? a.name.localeCompare(b.name) : a.email.localeCompare(b.email);
    return dir * primary || a.email.localeCompare(b.email);
  });
  return {
    courseSlug: course.slug,
    timeZone: course.timeZone,
    exercises: exercises.map((ex) => ({
      slug: ex.slug,
      title: ex.title,
      countedResult: ex.policy?.countedResult ?? 'BEST',
      deadline: ex.policy?.deadline?.toISOString() ?? null,
      minTestAccuracy: ex.policy?.minTestAccuracy ?? 0,
    })),
    rows,
  };
}

/**
 * The gradebook as CSV records: email, name, user id, then per exercise its score (0–1, empty without a result),
 * status, test accuracy, late, credit and extension, then the total and the number passed. The header comes first.
 */
export function gradebookCsv(g: TGradebook): (string | number)[][] {
  const header = [
    'email',
    'name',
    'user_id',
    ...g.exercises.flatMap((e) => [
      `${e.slug}_score`,
      `${e.slug}_status`,
      `${e.slug}_test_accuracy`,
      `${e.slug}_late`,
      `${e.slug}_credit`,
      `${e.slug}_extension`,
    ]),
    'total',
    'passed',
  ];
  const yn = (b: boolean) => (b ? 'yes' : 'no');
  return [
    header,
    ...g.rows.map((r) => [
      r.email,
      r.name,
      r.userId,
      ...r.cells.flatMap((c) => [
        c.counted?.score ?? '',
        c.counted?.status ?? '',
        c.counted?.testAccuracy ?? '',
        c.counted ? yn(c.counted.late) : '',
        c.counted?.credit ?? '',
        yn(c.extended),
      ]),
      r.total,
      r.passed,
    ]),
  ];
}
