import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { EpochPrismaClient } from '@epoch/db';
import { GRADE_JOB_NAME, GRADING_JOB_OPTIONS, type TGradingJobPayload } from '@epoch/contracts';
import { notYourFault } from './grading-errors';

export interface TReconcileOptions {
  /** Submissions queued more recently than this are left alone (their producer may be enqueueing them right now). */
  graceMs: number;
  /** At most this many submissions per pass (oldest first). */
  batch?: number;
  log?: Logger;
  now?: () => number;
}

export interface TReconcileReport {
  checked: number;
  /** QUEUED or RUNNING submissions that had no job: enqueued again. */
  enqueued: string[];
  /** Submissions whose job had failed for good without the failure being recorded (e.g. its worker died too often): ended ERROR. */
  errored: string[];
}

/**
 * Makes the queue agree with Postgres, which is the source of truth: every QUEUED or RUNNING submission must have a live
 * job. A missing job (Redis restarted or flushed, enqueue failed after the row was written) is added again with
 * jobId = submission id, so running several reconcilers at once cannot duplicate it. A job that failed for good while
 * its submission still looks pending (BullMQ gave up on a job whose workers kept dying) ends the submission ERROR, so
 * nothing stays RUNNING forever.
 */
export async function reconcileQueue(prisma: EpochPrismaClient, queue: Queue<TGradingJobPayload>, opts: TReconcileOptions): Promise<TReconcileReport> {
  const now = opts.now?.() ?? Date.now();
  const cutoff = new Date(now - opts.graceMs);
  const rows = await prisma.submission.findMany({
    where: {
      OR: [
        { status: 'QUEUED', OR: [{ queuedAt: { lte: cutoff } }, { queuedAt: null, createdAt: { lte: cutoff } }] },
        { status: 'RUNNING', startedAt: { lte: cutoff } },
      ],
    },
    select: { id: true, status: true },
    orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }],
    take: opts.batch ?? 1000,
  });
  const report: TReconcileReport = { checked: rows.length, enqueued: [], errored: [] };
  for (const { id, status } of rows) {
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : 'unknown';
    if (state === 'unknown') {
      await queue.add(GRADE_JOB_NAME, { submissionId: id }, { ...GRADING_JOB_OPTIONS, jobId: id });
      report.enqueued.push(id);
    } else if (state === 'failed') {
      const updated = await prisma.submission.updateMany({
        where: { id, status },
        data: { status: 'ERROR', infraError: true, finishedAt: new Date(), errorMessage: notYourFault(`the grading job failed: ${job?.failedReason ?? 'unknown reason'}`) },
      });
      if (updated.count === 1) report.errored.push(id);
    }
  }
  if (report.enqueued.length || report.errored.length) opts.log?.warn(report, 'reconciler repaired the grading queue');
  return report;
}

/** Runs reconcileQueue every `intervalMs` (first pass at once); returns a stop function. Passes never overlap. */
export function startReconciler(prisma: EpochPrismaClient, queue: Queue<TGradingJobPayload>, intervalMs: number, opts: TReconcileOptions): () => void {
  let running = false;
  const pass = () => {
    if (running) return;
    running = true;
    reconcileQueue(prisma, queue, opts)
      .catch((e: unknown) => opts.log?.warn({ err: e }, 'reconciler pass failed'))
      .finally(() => { running = false; });
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  return () => clearInterval(timer);
}
