import type { GradingPolicy } from '@epoch/db';
import { ZGradingPolicy, type TGradingPolicy } from '@epoch/contracts';

const stringList = (v: unknown): string[] | null => (Array.isArray(v) ? v.map(String) : null);

/** A policy row in its contract form (the inverse of @epoch/db's policyColumns); throws when the row is invalid. */
export function policyFromRow(row: GradingPolicy): TGradingPolicy {
  return ZGradingPolicy.parse({
    minTestAccuracy: row.minTestAccuracy,
    requiredEpochs: row.requiredEpochs,
    maxEpochs: row.maxEpochs,
    batchSize: row.batchSize,
    seed: row.seed,
    maxParams: row.maxParams,
    allowedLayers: stringList(row.allowedLayers),
    allowedOptimizers: stringList(row.allowedOptimizers),
    timeLimitSeconds: row.timeLimitSeconds,
    dailyQuota: row.dailyQuota,
    totalQuota: row.totalQuota,
    deadline: row.deadline?.toISOString() ?? null,
    latePolicy: row.latePolicy,
    resultVisibility: row.resultVisibility,
    limitTrain: row.limitTrain,
    limitTest: row.limitTest,
    reuseCachedResults: row.reuseCachedResults,
  });
}
