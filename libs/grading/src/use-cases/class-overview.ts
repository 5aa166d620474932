import type { TClassOverview, TFailureReason } from '@epoch/contracts';
import type { EpochPrismaClient } from '@epoch/db';
import { classResults } from './class-results';

/** A reason with its numbers blanked, so "below 50.0%" for 41% and for 43% are one reason. */
export const reasonKey = (s: string) =>
  s
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim();

/** The words of a failed, rejected or errored submission: its diagnostics' errors (rejected), else its message. */
function reasonsOf(s: { status: string; errorMessage: string | null; diagnostics: unknown }): string[] {
  if (s.status === 'REJECTED' && Array.isArray(s.diagnostics)) {
    const errors = s.diagnostics.flatMap((d: unknown) =>
      d && typeof d === 'object' && (d as { severity?: unknown }).severity === 'error' && typeof (d as { message?: unknown }).message === 'string'
        ? [(d as { message: string }).message]
        : [],
    );
    if (errors.length) return [...new Set(errors)];
  }
  return [s.errorMessage?.trim() || `${s.status.toLowerCase()} without a message`];
}

/** Groups reasons (numbers aside), most frequent first, then most recent; `rows` newest first. */
export function groupFailures(rows: readonly { status: string; errorMessage: string | null; diagnostics: unknown }[], top = 5): TFailureReason[] {
  const groups = new Map<string, TFailureReason>();
  for (const r of rows) {
    const kind = r.status as TFailureReason['kind'];
    for (const reason of reasonsOf(r)) {
      const key = `${kind}:${reasonKey(reason)}`;
      const g = groups.get(key);
      if (g) g.count++;
      else groups.set(key, { kind, reason, count: 1 });
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count).slice(0, top);
}

/**
 * The instructor's overview of a course: per exercise, students who submitted and passed, submissions queued or
 * training, the distribution of best accuracies (the class results' own), the most frequent failure reasons
 * (diagnostics and runtime messages grouped); and the grading queue right now (from Postgres: every course's
 * waiting submissions and the oldest one's wait).
 */
export async function classOverview(prisma: EpochPrismaClient, course: { id: string; slug: string; title: string }, now = new Date()): Promise<TClassOverview> {
  const [exercises, waiting, training, oldest] = await Promise.all([
    prisma.exercise.findMany({ where: { courseId: course.id, removedAt: null }, orderBy: { position: 'asc' }, include: { policy: true, course: true } }),
    prisma.submission.count({ where: { status: 'QUEUED' } }),
    prisma.submission.count({ where: { status: 'RUNNING' } }),
    prisma.submission.findFirst({ where: { status: 'QUEUED', queuedAt: { not: null } }, orderBy: { queuedAt: 'asc' }, select: { queuedAt: true } }),
  ]);
  const out: TClassOverview['exercises'] = [];
  for (const e of exercises) {
    const [results, submitters, inProgress, failed] = await Promise.all([
      classResults(prisma, e),
      // Any submission counts as submitting (the class results' attempts leave rejected ones out).
      prisma.submission.findMany({ where: { exerciseId: e.id, kind: 'GRADED' }, distinct: ['userId'], select: { userId: true } }),
      prisma.submission.count({ where: { exerciseId: e.id, status: { in: ['QUEUED', 'RUNNING'] } } }),
      prisma.submission.findMany({
        where: { exerciseId: e.id, kind: 'GRADED', status: { in: ['FAILED', 'REJECTED', 'ERROR'] } },
        orderBy: { createdAt: 'desc' },
        take: 2000,
        select: { status: true, errorMessage: true, diagnostics: true },
      }),
    ]);
    out.push({
      slug: e.slug,
      title: e.title,
      minTestAccuracy: results.minTestAccuracy,
      students: results.summary.students,
      submitted: (() => {
        const enrolled = new Set(results.rows.map((r) => r.userId));
        return submitters.filter((x) => enrolled.has(x.userId)).length;
      })(),
      passed: results.summary.passed,
      inProgress,
      distribution: results.summary.distribution,
      failures: groupFailures(failed),
    });
  }
  return {
    courseSlug: course.slug,
    courseTitle: course.title,
    queue: { waiting, training, oldestWaitSeconds: oldest?.queuedAt ? Math.max(0, Math.round((now.getTime() - oldest.queuedAt.getTime()) / 1000)) : null },
    exercises: out,
  };
}
