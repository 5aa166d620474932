import type { EpochPrismaClient, EpochTransactionClient, GradingPolicy } from '@epoch/db';
import type { TQuotaView } from '@epoch/contracts';
import { dayStartIn, quotaOf, type TStudentException } from '../lifecycle/schedule';

/** Start of the current quota day: midnight in the course's time zone (UTC by default). */
export function quotaDayStart(now = new Date(), timeZone = 'UTC'): Date {
  return dayStartIn(timeZone, now);
}

/**
 * What a student has used of an exercise's quota and what is left: the policy's daily and total quotas, or the
 * student's overrides and extra submissions (`exception`); the day is the course's (`timeZone`).
 */
export async function quotaUsage(
  db: EpochPrismaClient | EpochTransactionClient,
  userId: string,
  exerciseId: string,
  policy: Pick<GradingPolicy, 'dailyQuota' | 'totalQuota'>,
  now = new Date(),
  opts: { timeZone?: string; exception?: TStudentException | null } = {},
): Promise<TQuotaView> {
  const quota = quotaOf(policy, opts.exception);
  // Counted: not rejected, not cancelled (unless cancelled while training under a policy that keeps it counted: see
  // cancel), not failed by the infrastructure. Both counts in one round trip.
  const [row] = await db.$queryRaw<{ today: bigint; total: bigint }[]>`
    select count(*) filter (where "createdAt" >= ${quotaDayStart(now, opts.timeZone)}) as today, count(*) as total
    from submissions
    where "userId" = ${userId} and "exerciseId" = ${exerciseId}
      and status <> 'REJECTED' and not (status = 'CANCELLED' and not "cancelCounted") and not (status = 'ERROR' and "infraError")`;
  const usedToday = Number(row?.today ?? 0);
  const usedTotal = Number(row?.total ?? 0);
  return {
    usedToday,
    dailyLeft: quota.dailyQuota === null ? null : Math.max(0, quota.dailyQuota - usedToday),
    usedTotal,
    totalLeft: quota.totalQuota === null ? null : Math.max(0, quota.totalQuota - usedTotal),
  };
}
