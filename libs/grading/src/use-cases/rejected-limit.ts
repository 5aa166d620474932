import { DomainError } from '@epoch/contracts';
import type { TGradingDeps } from '../deps';

type TLimitDeps = Pick<TGradingDeps, 'redis' | 'queuePrefix' | 'rejectedLimit'>;

const keyOf = (deps: TLimitDeps, userId: string) => `${deps.queuePrefix}:epoch:rejected:${userId}`;

/**
 * Refuses a submission when its author's rejected submissions in the current window reached the limit: a rejected one
 * uses no quota, but checking and storing it costs the API, so it is not free without bound. Counted in Redis, so the
 * limit holds across API processes; the window starts at the first rejection.
 */
export async function assertRejectedBelowLimit(deps: TLimitDeps, userId: string): Promise<void> {
  const key = keyOf(deps, userId);
  const [[, count], [, ttl]] = (await deps.redis.multi().get(key).ttl(key).exec()) as [[unknown, string | null], [unknown, number]];
  if (Number(count ?? 0) < deps.rejectedLimit.max) return;
  const wait = Math.max(ttl, 1);
  throw new DomainError(
    'too_many',
    'too_many_rejected',
    `${deps.rejectedLimit.max} of your submissions were rejected in the last ${Math.round(deps.rejectedLimit.windowSeconds / 60)} min; ` +
      `try again in ${wait} s. The editor checks your code as you type (Check costs nothing): fix what it shows first.`,
    [{ path: 'source', message: `too many rejected submissions; retry in ${wait} s` }],
  );
}

/** Counts one rejected submission of the user (the window opens with the first). */
export async function countRejected(deps: TLimitDeps, userId: string): Promise<void> {
  const key = keyOf(deps, userId);
  await deps.redis.multi().incr(key).expire(key, deps.rejectedLimit.windowSeconds, 'NX').exec();
}
