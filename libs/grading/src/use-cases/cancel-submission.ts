import { DomainError } from '@epoch/contracts';
import type { TGradingDeps } from '../deps';
import { cancel } from '../lifecycle/lifecycle';
import { removeGradingJob } from '../queues';

/**
 * The owner withdraws a submission that still waits in the queue (a running one belongs to its grader): CANCELLED,
 * not counted against the quota, and its job removed from the queue.
 */
export async function cancelSubmission(deps: TGradingDeps, submission: { id: string; status: string }): Promise<void> {
  if (!(await cancel(deps.prisma, submission.id))) {
    throw new DomainError('conflict', 'not_cancellable', `the submission is ${submission.status}; only a queued submission can be cancelled`);
  }
  await removeGradingJob(deps.queues, submission.id).catch((e: unknown) =>
    deps.log.warn({ err: e, submissionId: submission.id }, 'could not remove the cancelled job from the queue'),
  );
}
