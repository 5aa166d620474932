import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { estimateQueueEtaSeconds, type TGradingJobPayload } from '@epoch/contracts';
import { jobsAhead } from './queue-order';
import { liveWorkers } from './workers';

/**
 * 1-based position of a submission's job in the order graders will take it from its queue (queue-order.ts: the plain
 * waiting list, then by priority); null when the job is not waiting (running, finished, or unknown).
 */
export async function queuePosition(queue: Queue<TGradingJobPayload>, redis: Redis, submissionId: string): Promise<number | null> {
  const ahead = await jobsAhead(queue, redis, submissionId);
  return ahead === null ? null : ahead.length + 1;
}

/** Position and ETA of a queued submission, given the seconds one job takes (e.g. the mean of recent results). */
export async function queueEstimate(
  queue: Queue<TGradingJobPayload>,
  redis: Redis,
  prefix: string,
  submissionId: string,
  secondsPerJob: number,
): Promise<{ position: number | null; etaSeconds: number | null }> {
  const position = await queuePosition(queue, redis, submissionId);
  if (position === null) return { position, etaSeconds: null };
  return { position, etaSeconds: estimateQueueEtaSeconds({ position, workers: (await liveWorkers(redis, prefix)).total, secondsPerJob }) };
}
