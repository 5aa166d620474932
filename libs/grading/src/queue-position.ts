import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GradingPolicy } from '@epoch/db';
import { estimateQueueEtaSeconds, type TGradingJobPayload, type TQueueOutlook, type TQueueSpot } from '@epoch/contracts';
import type { TGradingDeps } from './deps';
import { countAheadOf, jobPriority, jobsAhead, nextRank } from './queue-order';
import { gradingJobCounts } from './queues';
import { meanJobSeconds } from './repositories/submission.repository';
import { practiceUsage } from './use-cases/quota';
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

/**
 * Before Submit: where a new graded submission and a new practice run of this student would stand now, in the queue
 * they would most likely go to (the general queue: the model is not known yet), and how long each would wait for a
 * grader (the exercise's mean job time, spread over the live graders); congested when the graded wait exceeds the
 * policy's threshold.
 */
export async function queueOutlook(
  deps: Pick<TGradingDeps, 'prisma' | 'queues' | 'redis' | 'queuePrefix'>,
  userId: string,
  exercise: { id: string; policy: Pick<GradingPolicy, 'congestionWaitSeconds' | 'practiceDailyLimit'> },
  role: 'ADMIN' | 'INSTRUCTOR' | 'STUDENT',
): Promise<TQueueOutlook> {
  const { prisma, queues, redis } = deps;
  const queue = queues.general;
  const [gradedRank, practiceRank, workers, perJob, counts] = await Promise.all([
    nextRank(prisma, userId, 'GRADED'),
    nextRank(prisma, userId, 'PRACTICE'),
    liveWorkers(redis, deps.queuePrefix),
    meanJobSeconds(prisma, exercise.id),
    gradingJobCounts(queues, 'wait', 'prioritized', 'delayed'),
  ]);
  const spot = async (priority: number): Promise<TQueueSpot> => {
    const position = (await countAheadOf(queue, redis, priority)) + 1;
    const eta = perJob ? estimateQueueEtaSeconds({ position, workers: workers.total, secondsPerJob: perJob }) : null;
    return { position, waitSeconds: eta === null || !perJob ? null : Math.max(0, Math.round(eta - perJob)) };
  };
  const [graded, practice] = await Promise.all([spot(jobPriority('GRADED', gradedRank)), spot(jobPriority('PRACTICE', practiceRank))]);
  const threshold = exercise.policy.congestionWaitSeconds;
  return {
    graded,
    practice,
    waiting: (counts['wait'] ?? 0) + (counts['prioritized'] ?? 0) + (counts['delayed'] ?? 0),
    graders: workers.total,
    congested: graded.waitSeconds !== null && graded.waitSeconds > threshold,
    congestionWaitSeconds: threshold,
    practiceLeft: role === 'STUDENT' ? (await practiceUsage(prisma, userId, exercise.id, exercise.policy)).left : null,
  };
}
