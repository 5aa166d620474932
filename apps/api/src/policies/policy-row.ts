import { Prisma, type GradingPolicy } from '@epoch/db';
import { ZGradingPolicy, type TGradingPolicy, type TStudentPolicyView } from '@epoch/contracts';

const stringList = (v: unknown): string[] | null => (Array.isArray(v) ? v.map(String) : null);

/** The database row of a policy in its contract form (the inverse of @epoch/db's policyColumns). */
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

/**
 * The contract form as database columns. (The seed's policyColumns does the same; importing it would pull the seed's
 * YAML loader into the API bundle.)
 */
export function policyToColumns(p: TGradingPolicy) {
  return {
    ...p,
    allowedLayers: p.allowedLayers ?? Prisma.DbNull,
    allowedOptimizers: p.allowedOptimizers ?? Prisma.DbNull,
    deadline: p.deadline === null ? null : new Date(p.deadline),
  };
}

/** What students are shown of the live policy (all but the grader's internal switches). */
export function studentPolicyView(row: GradingPolicy): TStudentPolicyView {
  const { reuseCachedResults: _internal, ...visible } = policyFromRow(row);
  return { ...visible, version: row.version };
}

/** Field-by-field comparison in contract form (dates normalised to ISO). */
export function samePolicy(a: TGradingPolicy, b: TGradingPolicy): boolean {
  const norm = (p: TGradingPolicy) => JSON.stringify({ ...p, deadline: p.deadline === null ? null : new Date(p.deadline).toISOString() }, Object.keys(p).sort());
  return norm(a) === norm(b);
}
