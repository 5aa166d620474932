import type { Redis } from 'ioredis';
import type { EpochPrismaClient } from '@epoch/db';
import { extraSeedJobId } from '@epoch/contracts';
import { abandon } from './lifecycle/lifecycle';
import { endSeedSeries, queueExtraSeed } from './use-cases/extra-seeds';
import { placeRun } from './queue-order';
import { enqueueGrading, findGradingJob, type TGradingQueues } from './queues';
import { chooseQueue, DEFAULT_GPU_MIN_WORK_MACS } from './routing';
import { liveWorkers } from './workers';

export interface TReconcileOptions {
  /** Submissions queued more recently than this are left alone (their producer may be enqueueing them right now). */
  graceMs: number;
  /** At most this many submissions per pass (oldest first). */
  batch?: number;
  /** Redis and key prefix of the graders' heartbeats: with them, jobs waiting for a GPU grader that is gone move to the general queue. */
  heartbeats?: { redis: Redis; prefix: string };
  gpuMinWorkMacs?: number;
  log?: { warn: (obj: object, msg?: string) => void };
  now?: () => number;
}

export interface TReconcileReport {
  checked: number;
  /** QUEUED or RUNNING submissions that had no job: enqueued again. */
  enqueued: string[];
  /** Submissions whose job had failed for good without the failure being recorded (e.g. its worker died too often): ended ERROR. */
  errored: string[];
  /** Jobs that waited in the GPU queue while no grader served it: moved to the general queue. */
  movedToGeneral: string[];
  /** Best-of-k: pending seeds that had no job, queued again (their job ids). */
  seedsEnqueued: string[];
  /** Best-of-k: pending seeds whose job had failed for good: the series ended with the seeds trained (their job ids). */
  seedsEnded: string[];
}

/**
 * Makes the queues agree with Postgres, which is the source of truth: every QUEUED or RUNNING submission must have a
 * live job. A missing job (Redis restarted or flushed, enqueue failed after the row was written) is added again with
 * jobId = submission id, so several reconcilers at once cannot duplicate it. A job that failed for good while its
 * submission still looks pending (BullMQ gave up on a job whose workers kept dying) ends the submission ERROR, so
 * nothing stays RUNNING forever. A job waiting in the GPU queue while no GPU grader is alive goes to the general queue.
 */
export async function reconcileQueue(prisma: EpochPrismaClient, queues: TGradingQueues, opts: TReconcileOptions): Promise<TReconcileReport> {
  const now = opts.now?.() ?? Date.now();
  const cutoff = new Date(now - opts.graceMs);
  const rows = await prisma.submission.findMany({
    where: {
      OR: [
        { status: 'QUEUED', OR: [{ queuedAt: { lte: cutoff } }, { queuedAt: null, createdAt: { lte: cutoff } }] },
        { status: 'RUNNING', startedAt: { lte: cutoff } },
      ],
    },
    select: { id: true, status: true, workMacs: true },
    orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }],
    take: opts.batch ?? 1000,
  });
  const report: TReconcileReport = { checked: rows.length, enqueued: [], errored: [], movedToGeneral: [], seedsEnqueued: [], seedsEnded: [] };
  const order = { prisma, queues, log: opts.log ?? { warn: () => undefined } };
  const gpuWorkers = opts.heartbeats ? (await liveWorkers(opts.heartbeats.redis, opts.heartbeats.prefix)).gpu : 0;
  for (const { id, status, workMacs } of rows) {
    const found = await findGradingJob(queues, id);
    const state = found ? await found.job.getState() : 'unknown';
    if (state === 'unknown') {
      await placeRun(order, id, chooseQueue({ workMacs, gpuWorkers, gpuMinWorkMacs: opts.gpuMinWorkMacs ?? DEFAULT_GPU_MIN_WORK_MACS }));
      report.enqueued.push(id);
    } else if (state === 'failed') {
      const from = status === 'RUNNING' ? 'RUNNING' : 'QUEUED';
      if (await abandon(prisma, id, from, `the grading job failed: ${found?.job.failedReason ?? 'unknown reason'}`)) report.errored.push(id);
    } else if (found?.kind === 'gpu' && opts.heartbeats && gpuWorkers === 0 && (state === 'waiting' || state === 'prioritized' || state === 'delayed')) {
      // Removing a waiting job succeeds only while no grader has taken it; if one just did, it stays where it is.
      const priority = found.job.priority;
      if ((await queues.gpu.remove(id)) === 1) {
        // The same place in the order, in the other queue.
        await enqueueGrading(queues, id, 'general', priority);
        report.movedToGeneral.push(id);
      }
    }
  }
  await reconcileSeeds(prisma, queues, opts, gpuWorkers, report);
  if (report.enqueued.length || report.errored.length || report.movedToGeneral.length || report.seedsEnqueued.length || report.seedsEnded.length)
    opts.log?.warn(report, 'reconciler repaired the grading queues');
  return report;
}

/**
 * Best-of-k: every result's pending seed must have a live job (use-cases/extra-seeds.ts). A missing one is queued again
 * (its job id makes a duplicate impossible); one that failed for good ends the series with the seeds trained so far.
 */
async function reconcileSeeds(
  prisma: EpochPrismaClient,
  queues: TGradingQueues,
  opts: TReconcileOptions,
  gpuWorkers: number,
  report: TReconcileReport,
): Promise<void> {
  const pending = await prisma.result.findMany({
    where: { pendingSeed: { not: null }, submission: { kind: 'GRADED', status: { in: ['PASSED', 'FAILED'] } } },
    select: { submissionId: true, attempt: true, pendingSeed: true, submission: { select: { workMacs: true } } },
    orderBy: { createdAt: 'asc' },
    take: opts.batch ?? 1000,
  });
  for (const r of pending) {
    const extra = { attempt: r.attempt, seed: r.pendingSeed as number };
    const jobId = extraSeedJobId(r.submissionId, extra);
    const found = await findGradingJob(queues, jobId);
    const state = found ? await found.job.getState() : 'unknown';
    if (state === 'unknown') {
      const queue = chooseQueue({ workMacs: r.submission.workMacs, gpuWorkers, gpuMinWorkMacs: opts.gpuMinWorkMacs ?? DEFAULT_GPU_MIN_WORK_MACS });
      await queueExtraSeed(queues, r.submissionId, extra, queue);
      report.seedsEnqueued.push(jobId);
    } else if (state === 'failed') {
      if (await endSeedSeries(prisma, r.submissionId, extra)) report.seedsEnded.push(jobId);
    }
  }
}

/** Runs reconcileQueue every `intervalMs` (first pass at once); returns a stop function. Passes never overlap. */
export function startReconciler(prisma: EpochPrismaClient, queues: TGradingQueues, intervalMs: number, opts: TReconcileOptions): () => void {
  let running = false;
  const pass = () => {
    if (running) return;
    running = true;
    reconcileQueue(prisma, queues, opts)
      .catch((e: unknown) => opts.log?.warn({ err: e }, 'reconciler pass failed'))
      .finally(() => {
        running = false;
      });
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
