import type { Prisma, Submission } from '@epoch/db';
import type { TDb } from '../lifecycle/lifecycle';

/**
 * Reads of submissions and their results for the grading use cases (status writes are the lifecycle's, epochs are
 * epochs.repository's). One place for the queries the pages' numbers come from.
 */

/** QUEUED submissions that were queued before `s` (ties broken by id): what a grader takes first. */
function queuedAhead(s: Pick<Submission, 'id' | 'queuedAt' | 'createdAt'>): Prisma.SubmissionWhereInput {
  const since = s.queuedAt ?? s.createdAt;
  return { status: 'QUEUED', OR: [{ queuedAt: { lt: since } }, { queuedAt: since, id: { lt: s.id } }] };
}

/**
 * How many queued submissions are ahead of `s`, and their estimated work (jobs without an estimate are counted apart):
 * those the queue holds ahead of it (`ids`, from queue-order.ts's jobsAhead), or, while its job is not in the queue
 * yet, those queued before it.
 */
export async function workAhead(
  db: TDb,
  s: Pick<Submission, 'id' | 'queuedAt' | 'createdAt'>,
  ids: readonly string[] | null = null,
): Promise<{ count: number; sum: number; estimated: number; mean: number | null }> {
  const where: Prisma.SubmissionWhereInput = ids === null ? queuedAhead(s) : { status: 'QUEUED', id: { in: [...ids] } };
  const [count, work] = await Promise.all([
    db.submission.count({ where }),
    db.submission.aggregate({ _sum: { workMacs: true }, _avg: { workMacs: true }, _count: { workMacs: true }, where }),
  ]);
  return { count, sum: work._sum.workMacs ?? 0, estimated: work._count.workMacs, mean: work._avg.workMacs };
}

/** The submissions training now (at most 50), with their estimated work: they are ahead of every queued one. */
export async function runningWork(db: TDb): Promise<{ id: string; workMacs: number | null }[]> {
  return db.submission.findMany({ where: { status: 'RUNNING' }, select: { id: true, workMacs: true }, take: 50 });
}

/** Multiply-accumulates per second over the last 20 graded (not reused) jobs with a work estimate; null before the first. */
export async function recentThroughput(db: TDb): Promise<number | null> {
  const recent = await db.result.findMany({
    where: { submission: { workMacs: { not: null }, reusedFromId: null } },
    orderBy: { createdAt: 'desc' },
    take: 20,
    select: { trainingMs: true, evaluationMs: true, submission: { select: { workMacs: true } } },
  });
  const work = recent.reduce((a, r) => a + (r.submission.workMacs ?? 0), 0);
  const seconds = recent.reduce((a, r) => a + r.trainingMs + r.evaluationMs, 0) / 1000;
  return work > 0 && seconds > 0 ? work / seconds : null;
}

/** Mean seconds of training and evaluation of an exercise's graded jobs; null before the first. */
export async function meanJobSeconds(db: TDb, exerciseId: string): Promise<number | null> {
  const recent = await db.result.aggregate({ _avg: { trainingMs: true, evaluationMs: true }, where: { submission: { exerciseId } } });
  return ((recent._avg.trainingMs ?? 0) + (recent._avg.evaluationMs ?? 0)) / 1000 || null;
}

/** The current status of a submission (null when it is gone). */
export async function findSubmission(db: TDb, id: string): Promise<Submission | null> {
  return db.submission.findUnique({ where: { id } });
}

/**
 * A user's submissions, newest first, one page (optionally of one course, or one exercise of a course), with the
 * exercise's visibility settings; without their source, diagnostics and model (a history line needs none of them, and
 * they can be large).
 */
export async function pageOfSubmissions(db: TDb, userId: string, opts: { courseSlug?: string; exerciseSlug?: string; page: number; pageSize: number }) {
  const exercise: Prisma.ExerciseWhereInput = {
    ...(opts.exerciseSlug ? { slug: opts.exerciseSlug } : {}),
    ...(opts.courseSlug ? { course: { slug: opts.courseSlug } } : {}),
  };
  const where: Prisma.SubmissionWhereInput = { userId, ...(Object.keys(exercise).length ? { exercise } : {}) };
  const [rows, total] = await Promise.all([
    db.submission.findMany({
      where,
      omit: { source: true, diagnostics: true, modelSpec: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: (opts.page - 1) * opts.pageSize,
      take: opts.pageSize,
      include: { exercise: { select: { slug: true, course: { select: { slug: true } }, policy: { select: { resultVisibility: true, deadline: true } } } } },
    }),
    db.submission.count({ where }),
  ]);
  return { rows, total };
}

const ARTIFACT_LIST = { select: { name: true, kind: true, contentType: true }, orderBy: { name: 'asc' } } as const;

/**
 * A submission with its result, the names of its artifacts, its exercise's policy and the viewer's enrollment in the
 * exercise's course (for the API's access check) and its epochs, in one query: the result page polls it.
 */
export async function findWithResult(db: TDb, id: string, viewerId: string) {
  return db.submission.findUnique({
    where: { id },
    include: {
      exercise: {
        select: {
          id: true,
          slug: true,
          courseId: true,
          policy: true,
          course: { select: { slug: true, enrollments: { where: { userId: viewerId }, select: { role: true }, take: 1 } } },
        },
      },
      result: true,
      artifacts: ARTIFACT_LIST,
      // Every attempt's epochs (a few dozen rows): the result's history is its attempt's, picked without a second query.
      metrics: { orderBy: [{ attempt: 'asc' }, { epoch: 'asc' }] },
    },
  });
}
