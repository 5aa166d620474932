import { ZGradingPolicy, type TGradingPolicy } from '@epoch/contracts';
import { Prisma, type GradingPolicy } from './generated/client';

/** The policy's fields in the contract's order (the columns of GradingPolicy with the same names and meanings). */
export const POLICY_FIELDS = Object.keys(ZGradingPolicy.shape) as (keyof TGradingPolicy)[];

const stringList = (v: unknown): string[] | null => (Array.isArray(v) ? v.map(String) : null);

/**
 * The one mapping between a grading policy's contract form and its database columns. To the database: JSON lists
 * become Json columns (null is SQL NULL), the deadline a Date. Used by the seed, the API's policy edits and tests.
 */
export function policyColumns(p: TGradingPolicy) {
  return {
    ...p,
    allowedLayers: p.allowedLayers ?? Prisma.DbNull,
    allowedOptimizers: p.allowedOptimizers ?? Prisma.DbNull,
    deadline: p.deadline === null ? null : new Date(p.deadline),
    opensAt: p.opensAt === null ? null : new Date(p.opensAt),
    lateCredit: p.lateCredit ?? Prisma.DbNull,
  };
}

/** From the database: the row in its contract form (the inverse of policyColumns); throws when the row is invalid. */
export function policyFromRow(row: GradingPolicy): TGradingPolicy {
  const fields = Object.fromEntries(POLICY_FIELDS.map((k) => [k, row[k]]));
  return ZGradingPolicy.parse({
    ...fields,
    allowedLayers: stringList(row.allowedLayers),
    allowedOptimizers: stringList(row.allowedOptimizers),
    deadline: row.deadline?.toISOString() ?? null,
    opensAt: row.opensAt?.toISOString() ?? null,
    lateCredit: row.lateCredit ?? null,
  });
}
