import type { EpochPrismaClient, EpochTransactionClient, GradingPolicy } from '@epoch/db';
import type { TQuotaView } from '@epoch/contracts';

/** Start of the current quota day (UTC). */
export function quotaDayStart(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function quotaUsage(
  db: EpochPrismaClient | EpochTransactionClient,
  userId: string,
  exerciseId: string,
  policy: GradingPolicy,
  now = new Date(),
): Promise<TQuotaView> {
  // Counted: not rejected, not cancelled (unless cancelled while training under a policy that keeps it counted: see
  // cancel), not failed by the infrastructure. Both counts in one round trip.
  const [row] = await db.$queryRaw<{ today: bigint; total: bigint }[]>`
    select count(*) filter (where "createdAt" >= ${quotaDayStart(now)}) as today, count(*) as total
    from submissions
    where "userId" = ${userId} and "exerciseId" = ${exerciseId}
      and status <> 'REJECTED' and not (status = 'CANCELLED' and not "cancelCounted") and not (status = 'ERROR' and "infraError")`;
  const usedToday = Number(row?.today ?? 0);
  const usedTotal = Number(row?.total ?? 0);
  return {
    usedToday,
    dailyLeft: policy.dailyQuota === null ? null : Math.max(0, policy.dailyQuota - usedToday),
    usedTotal,
    totalLeft: policy.totalQuota === null ? null : Math.max(0, policy.totalQuota - usedTotal),
  };
}
