import { DomainError } from '@epoch/contracts';
import type { TGradingDeps } from '../deps';
import { publishCancellation } from '../cancel-signal';
import { cancel } from '../lifecycle/lifecycle';
import { reorderAfter } from '../queue-order';
import { removeGradingJob } from '../queues';

/**
 * The owner withdraws a submission, waiting or training. Waiting: CANCELLED, never counted against the quota, and its
 * job removed from the queue. Training: CANCELLED, its grader told at once (it ends the training child within the
 * batch under way; its poll of the status is the fallback) and the quota slot given back or not as the exercise's
 * policy says (refundCancelledQuota). Returns the status it was cancelled from.
 */
export async function cancelSubmission(
  deps: TGradingDeps,
  submission: { id: string; status: string; exerciseId: string },
): Promise<{ from: 'QUEUED' | 'RUNNING'; quotaRefunded: boolean }> {
  const policy = await deps.prisma.gradingPolicy.findUnique({ where: { exerciseId: submission.exerciseId }, select: { refundCancelledQuota: true } });
  const refund = policy?.refundCancelledQuota ?? true;
  const from = await cancel(deps.prisma, submission.id, { countIfTraining: !refund });
  if (!from) {
    throw new DomainError('conflict', 'not_cancellable', `the submission is ${submission.status}; only a queued or training submission can be cancelled`);
  }
  if (from === 'QUEUED') {
    await removeGradingJob(deps.queues, submission.id).catch((e: unknown) =>
      deps.log.warn({ err: e, submissionId: submission.id }, 'could not remove the cancelled job from the queue'),
    );
    // The student's later runs move up (a cancelled training run moves them up when its grader lets go of it).
    await reorderAfter(deps, submission.id);
  } else {
    await publishCancellation(deps.redis, deps.queuePrefix, { submissionId: submission.id, at: Date.now() }).catch((e: unknown) =>
      deps.log.warn({ err: e, submissionId: submission.id }, 'could not tell the grader at once; it stops at its next look at the status'),
    );
  }
  return { from, quotaRefunded: from === 'QUEUED' || refund };
}
