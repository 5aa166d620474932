import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { estimateQueueEtaSeconds, type TGradingJobPayload } from '@epoch/contracts';
import { liveWorkers } from './workers';

/**
 * 1-based position of a submission's job in the order graders will take it (waiting jobs oldest first, then
 * prioritized, then delayed retries); null when the job is not waiting (running, finished, or unknown).
 */
export async function queuePosition(queue: Queue<TGradingJobPayload>, submissionId: string): Promise<number | null> {
  const job = await queue.getJob(submissionId);
  if (!job) return null;
  const state = await job.getState();
  if (state !== 'waiting' && state !== 'prioritized' && state !== 'delayed') return null;
  for (const state of ['wait', 'prioritized', 'delayed'] as const) {
    const ids = (await queue.getJobs([state], 0, -1, true)).map((j) => j.id);
    const i = ids.indexOf(submissionId);
    if (i >= 0) return i + 1 + (await countBefore(queue, state));
  }
  return null;
}

async function countBefore(queue: Queue<TGradingJobPayload>, state: 'wait' | 'prioritized' | 'delayed'): Promise<number> {
  switch (state) {
    case 'wait':
      return 0;
    case 'prioritized':
      return queue.getJobCountByTypes('wait');
    case 'delayed':
      return queue.getJobCountByTypes('wait', 'prioritized');
  }
}

/** Position and ETA of a queued submission, given the seconds one job takes (e.g. the mean of recent results). */
export async function queueEstimate(
  queue: Queue<TGradingJobPayload>,
  redis: Redis,
  prefix: string,
  submissionId: string,
  secondsPerJob: number,
): Promise<{ position: number | null; etaSeconds: number | null }> {
  const position = await queuePosition(queue, submissionId);
  if (position === null) return { position, etaSeconds: null };
  return { position, etaSeconds: estimateQueueEtaSeconds({ position, workers: (await liveWorkers(redis, prefix)).total, secondsPerJob }) };
}
