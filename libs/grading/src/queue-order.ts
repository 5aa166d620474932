import type { Redis } from 'ioredis';
import type { EpochPrismaClient } from '@epoch/db';
import type { TRunKind } from '@epoch/contracts';
import type { TDb } from './lifecycle/lifecycle';
import { enqueueGrading, findGradingJob, type GradingQueue, type TGradingQueues, type TQueueKind } from './queues';

/**
 * What runs next: the one owner of the grading queues' order. Graders take jobs by BullMQ priority (the lowest number
 * first, first come first served within one number), and every job gets one:
 *
 * - by class: every graded run before every practice run before best-of-k's extra seeds (EXTRA_SEED_PRIORITY) before
 *   every calibration run (RUN_KINDS);
 * - within a class, round-robin across students: a run's rank is how many runs of the same class its student has
 *   training now or queued before it. A student's second queued submission (rank 1) therefore waits behind everyone's
 *   first (rank 0), and a student with one training waits behind those with none.
 *
 * Ranks change when one of the student's runs ends (or is cancelled or replaced): `placeRuns` recomputes them from
 * Postgres, the source of truth, and moves the jobs whose rank changed (BullMQ changePriority). It runs under a
 * per-student advisory lock, so concurrent enqueues and endings of one student's runs are applied one after the other,
 * each from the state the previous one left.
 */

/** Priorities BullMQ accepts: 1 to 2^21. Each class gets a band of CLASS_SPAN ranks. */
const CLASS_SPAN = 500_000;
const CLASS_BASE: Record<TRunKind, number> = { GRADED: 1, PRACTICE: 1 + CLASS_SPAN, CALIBRATION: 1 + 3 * CLASS_SPAN };

/**
 * The priority of best-of-k's extra seeds (a graded result just below the pass mark, trained again with the next seed):
 * below every graded and practice run, which are the students' first answers, and above calibration. First come first
 * served among themselves: a result has at most one extra seed queued at a time (bestOfSeeds caps the series).
 */
export const EXTRA_SEED_PRIORITY = 1 + 2 * CLASS_SPAN;

/** The BullMQ priority of a run of class `kind` at `rank` (see above). */
export function jobPriority(kind: TRunKind, rank: number): number {
  return CLASS_BASE[kind] + Math.min(Math.max(0, Math.floor(rank)), CLASS_SPAN - 1);
}

/** A student's runs of one class that hold a grader or wait for one, in the order they were queued. */
async function activeRuns(db: TDb, userId: string, kind: TRunKind): Promise<{ id: string; status: string }[]> {
  return db.submission.findMany({
    where: { userId, kind, status: { in: ['QUEUED', 'RUNNING'] } },
    orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }],
    select: { id: true, status: true },
  });
}

/** The rank of each queued run among one student's runs of a class (in queue order): those training, plus those queued before it. */
export function ranksOf(runs: readonly { id: string; status: string }[]): Map<string, number> {
  const training = runs.filter((r) => r.status === 'RUNNING').length;
  const ranks = new Map<string, number>();
  let ahead = 0;
  for (const r of runs) if (r.status === 'QUEUED') ranks.set(r.id, training + ahead++);
  return ranks;
}

/** The rank a new run of this class would get for this student now (all their active runs are ahead of it). */
export async function nextRank(db: TDb, userId: string, kind: TRunKind): Promise<number> {
  return db.submission.count({ where: { userId, kind, status: { in: ['QUEUED', 'RUNNING'] } } });
}

export type TOrderDeps = { prisma: EpochPrismaClient; queues: TGradingQueues; log: { warn: (obj: object, msg?: string) => void } };

/**
 * Recomputes the ranks of one student's queued runs of one class and moves the jobs whose priority changed; with
 * `add`, first adds that run's job (jobId = submission id; a no-op when BullMQ holds it already) to that queue at its
 * rank. Returns how many jobs moved.
 * A job BullMQ does not hold (its producer has not added it yet, or Redis lost it) is left to its producer or the
 * reconciler, which add it through here at the rank of that moment.
 */
export async function placeRuns(deps: TOrderDeps, userId: string, kind: TRunKind, add?: { id: string; queue: TQueueKind }): Promise<number> {
  return deps.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`select pg_advisory_xact_lock(hashtextextended(${`epoch:queue-order:${userId}:${kind}`}, 0))`;
      const ranks = ranksOf(await activeRuns(tx, userId, kind));
      let moved = 0;
      // A RUNNING run without a job (the reconciler re-adds it: Redis lost it) had started already: it goes first.
      if (add) await enqueueGrading(deps.queues, add.id, add.queue, jobPriority(kind, ranks.get(add.id) ?? 0));
      for (const [id, rank] of ranks) {
        const found = await findGradingJob(deps.queues, id);
        const priority = jobPriority(kind, rank);
        if (!found || found.job.priority === priority) continue;
        const state = await found.job.getState();
        if (state !== 'prioritized' && state !== 'waiting' && state !== 'delayed') continue;
        await found.job.changePriority({ priority });
        moved += 1;
      }
      return moved;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

/** A stored run: its id, or its id with its owner and class when the caller has them (one query fewer). */
export type TRunRef = string | { id: string; userId: string; kind: TRunKind };

/** Adds a stored QUEUED (or orphaned RUNNING) run's job to a queue at its place in the order. */
export async function placeRun(deps: TOrderDeps, run: TRunRef, queue: TQueueKind): Promise<void> {
  const s =
    typeof run === 'string'
      ? { id: run, ...(await deps.prisma.submission.findUniqueOrThrow({ where: { id: run }, select: { userId: true, kind: true } })) }
      : run;
  await placeRuns(deps, s.userId, s.kind, { id: s.id, queue });
}

/** After a run ended, was cancelled or replaced: its student's other runs of its class move up. Never throws. */
export async function reorderAfter(deps: TOrderDeps, submissionId: string): Promise<void> {
  try {
    const s = await deps.prisma.submission.findUnique({ where: { id: submissionId }, select: { userId: true, kind: true } });
    if (s) await placeRuns(deps, s.userId, s.kind);
  } catch (e) {
    deps.log.warn({ err: e, submissionId }, 'could not recompute the queue order after this run; the next change of its student recomputes it');
  }
}

/**
 * The job ids a grader takes before `submissionId` in the queue that holds it, in order: the plain waiting list (jobs
 * without a priority, from BullMQ's older producers) and then the prioritized set by priority. Null when the job is
 * not waiting there (training, finished, unknown); a delayed retry has everything waiting ahead of it. `client`: a
 * connection to the queues' Redis (the keys are BullMQ's, read only).
 */
export async function jobsAhead(queue: GradingQueue, client: Redis, submissionId: string): Promise<string[] | null> {
  const [wait, rank] = await Promise.all([client.lrange(queue.keys.wait, 0, -1), client.zrank(queue.keys.prioritized, submissionId)]);
  // Workers take the waiting list from its tail.
  const i = wait.indexOf(submissionId);
  if (i >= 0) return wait.slice(i + 1).reverse();
  const waiting = [...wait].reverse();
  if (rank !== null) return [...waiting, ...(rank > 0 ? await client.zrange(queue.keys.prioritized, 0, rank - 1) : [])];
  if ((await client.zscore(queue.keys.delayed, submissionId)) !== null) return [...waiting, ...(await client.zrange(queue.keys.prioritized, 0, -1))];
  return null;
}

/** How many waiting jobs a grader would take before a new run of this priority added now (it goes behind its equals). */
export async function countAheadOf(queue: GradingQueue, client: Redis, priority: number): Promise<number> {
  const [wait, prioritized] = await Promise.all([
    client.llen(queue.keys.wait),
    // Prioritized scores are priority × 2^32 + an insertion counter.
    client.zcount(queue.keys.prioritized, '-inf', `(${(priority + 1) * 0x100000000}`),
  ]);
  return wait + prioritized;
}
