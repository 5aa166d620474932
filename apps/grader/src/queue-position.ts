import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { estimateQueueEtaSeconds, WORKER_HEARTBEAT_PREFIX, type TGradingJobPayload } from '@epoch/contracts';

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

/** Live graders, counted from their heartbeat keys in Redis (at least 1 is assumed by the ETA). */
export async function liveWorkers(redis: Redis): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${WORKER_HEARTBEAT_PREFIX}*`, 'COUNT', 100);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  return n;
}

/** Position and ETA of a queued submission, given the seconds one job takes (e.g. the mean of recent results). */
export async function queueEstimate(queue: Queue<TGradingJobPayload>, redis: Redis, submissionId: string, secondsPerJob: number): Promise<{ position: number | null; etaSeconds: number | null }> {
  const position = await queuePosition(queue, submissionId);
  if (position === null) return { position, etaSeconds: null };
  return { position, etaSeconds: estimateQueueEtaSeconds({ position, workers: await liveWorkers(redis), secondsPerJob }) };
}
