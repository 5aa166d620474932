import { judgedAccuracy } from '../lifecycle/decide';
import { DomainError, type TStudentAttempts } from '@epoch/contracts';
import type { TDb } from '@epoch/db';
import { resultHidden, scheduleOf, shownStatus } from '../lifecycle/schedule';
import { countedResult } from './counted-result';
import { policyRowOf, type TExerciseRef } from './submit';

const numbers = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? v : null);

/**
 * Every attempt of one student at an exercise, oldest first, for the attempts page: status, test accuracy, per-class
 * accuracy, the curves of the attempt that produced each result, the source (for diffs), and which attempt counts
 * (countedResult, the exercise's rule). `viewer` OWNER: results hidden until the deadline stay hidden (and nothing is
 * said to count yet). The caller checks that the viewer may see the student's work.
 */
export async function studentAttempts(
  db: TDb,
  exercise: TExerciseRef & { title: string; courseId: string },
  userId: string,
  viewer: 'OWNER' | 'STAFF',
): Promise<TStudentAttempts> {
  // Only students of the course (or with work in it) are shown: staff cannot look up anyone else by id.
  const student = await db.user.findFirst({
    where: { id: userId, OR: [{ enrollments: { some: { courseId: exercise.courseId } } }, { submissions: { some: { exerciseId: exercise.id } } }] },
    select: { id: true, name: true, email: true },
  });
  if (!student) throw new DomainError('not_found', 'not_found', `no student "${userId}" in this course`);
  const rows = await db.submission.findMany({
    where: { exerciseId: exercise.id, userId, kind: 'GRADED' },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      status: true,
      createdAt: true,
      late: true,
      credit: true,
      source: true,
      result: { select: { testAccuracy: true, seedRuns: true, heldOut: true, perClassAccuracy: true, attempt: true } },
      metrics: { select: { attempt: true, epoch: true, loss: true, accuracy: true, valLoss: true, valAccuracy: true }, orderBy: { epoch: 'asc' } },
    },
  });
  const policy = policyRowOf(exercise);
  const hidden = resultHidden(scheduleOf(policy), viewer);
  const rule = policy.countedResult === 'LAST' ? 'LAST' : 'BEST';
  return {
    courseSlug: exercise.course.slug,
    exerciseSlug: exercise.slug,
    exerciseTitle: exercise.title,
    student,
    rule,
    counted: hidden
      ? null
      : countedResult(
          rows.map((r) => ({
            id: r.id,
            status: r.status,
            createdAt: r.createdAt,
            testAccuracy: r.result ? judgedAccuracy(r.result) : null,
            late: r.late,
            credit: r.credit,
          })),
          rule,
        ),
    attempts: rows.map((r, i) => ({
      submissionId: r.id,
      number: i + 1,
      createdAt: r.createdAt.toISOString(),
      status: shownStatus(r.status, hidden),
      late: r.late,
      testAccuracy: hidden || !r.result ? null : judgedAccuracy(r.result),
      perClassAccuracy: hidden ? null : numbers(r.result?.perClassAccuracy),
      history: r.result
        ? r.metrics
            .filter((m) => m.attempt === r.result!.attempt)
            .map((m) => ({ epoch: m.epoch, loss: m.loss, accuracy: m.accuracy, valLoss: m.valLoss, valAccuracy: m.valAccuracy }))
        : [],
      source: r.source,
    })),
  };
}
