import type { TGradingDeps } from '../deps';
import { placeRun, type TRunRef } from '../queue-order';
import { removeGradingJob } from '../queues';
import { chooseQueue } from '../routing';
import { liveWorkers } from '../workers';

/**
 * Enqueues a stored QUEUED submission (after its row is committed), on the GPU queue when a grader serves it and the
 * job is heavy enough (chooseQueue), else the general queue, at its place in the queue order (queue-order.ts: its
 * class, and round-robin across students). A failure leaves the submission QUEUED for the reconciler rather than
 * failing the caller. `run`: its id, or the run itself when the caller holds it (saves reading it again).
 */
export async function enqueueSubmission(deps: TGradingDeps, run: TRunRef, workMacs: number | null): Promise<void> {
  const submissionId = typeof run === 'string' ? run : run.id;
  try {
    const gpuWorkers = workMacs !== null && workMacs >= deps.gpuMinWorkMacs ? (await liveWorkers(deps.redis, deps.queuePrefix)).gpu : 0;
    await placeRun(deps, run, chooseQueue({ workMacs, gpuWorkers, gpuMinWorkMacs: deps.gpuMinWorkMacs }));
  } catch (e) {
    deps.log.warn({ err: e, submissionId }, 'enqueue failed; the submission stays QUEUED for the reconciler');
  }
}

/** Queues a submission again (a retrain): its finished job, if BullMQ still holds it, is removed first. */
export async function requeueSubmission(deps: TGradingDeps, submissionId: string): Promise<void> {
  await removeGradingJob(deps.queues, submissionId).catch((e: unknown) => deps.log.warn({ err: e, submissionId }, 'could not remove the previous job'));
  const s = await deps.prisma.submission.findUnique({ where: { id: submissionId }, select: { workMacs: true } });
  await enqueueSubmission(deps, submissionId, s?.workMacs ?? null);
}
