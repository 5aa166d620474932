import type { EpochPrismaClient, EpochTransactionClient, GradingPolicy } from '@epoch/db';
import type { TQuotaView } from '@epoch/contracts';
import { dayStartIn, quotaOf, type TStudentException } from '../lifecycle/schedule';

/** Start of the current quota day: midnight in the course's time zone (UTC by default). */
export function quotaDayStart(now = new Date(), timeZone = 'UTC'): Date {
  return dayStartIn(timeZone, now);
}

/**
 * Practice runs one student started on one exercise today (the course's day, as the quota's), against the policy's practiceDailyLimit: every one
 * checked and stored counts (a rejected source never becomes a run), however it ended.
 */
export async function practiceUsage(
  db: EpochPrismaClient | EpochTransactionClient,
  userId: string,
  exerciseId: string,
  policy: Pick<GradingPolicy, 'practiceDailyLimit'>,
  now = new Date(),
  opts: { timeZone?: string } = {},
): Promise<{ usedToday: number; left: number }> {
  const usedToday = await db.submission.count({
    where: { userId, exerciseId, kind: 'PRACTICE', status: { not: 'REJECTED' }, createdAt: { gte: quotaDayStart(now, opts.timeZone) } },
  });
  return { usedToday, left: Math.max(0, policy.practiceDailyLimit - usedToday) };
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
  // Counted: graded runs only (practice and calibration runs are free), not rejected, not cancelled (unless cancelled
  // while training under a policy that keeps it counted: see
  // cancel), not failed by the infrastructure. Both counts in one round trip.
  const [row] = await db.$queryRaw<{ today: bigint; total: bigint }[]>`
    select count(*) filter (where "createdAt" >= ${quotaDayStart(now, opts.timeZone)}) as today, count(*) as total
    from submissions
    where "userId" = ${userId} and "exerciseId" = ${exerciseId} and kind = 'GRADED'
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
