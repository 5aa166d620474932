import { POLICY_FIELDS } from '@epoch/db';
import { SCHEDULE_FIELDS, type TGradingPolicy, type TPolicyChangeView, type TPolicyHistory } from '@epoch/contracts';
import type { TDb } from '../lifecycle/lifecycle';

/** Field-by-field comparison in contract form (dates normalised to ISO). */
export function samePolicy(a: TGradingPolicy, b: TGradingPolicy): boolean {
  const norm = (p: TGradingPolicy) =>
    JSON.stringify(
      {
        ...p,
        deadline: p.deadline === null ? null : new Date(p.deadline).toISOString(),
        opensAt: p.opensAt === null ? null : new Date(p.opensAt).toISOString(),
      },
      Object.keys(p).sort(),
    );
  return norm(a) === norm(b);
}

function sameField(field: (typeof SCHEDULE_FIELDS)[number], a: TGradingPolicy, b: TGradingPolicy): boolean {
  const norm = (v: unknown) => ((field === 'deadline' || field === 'opensAt') && typeof v === 'string' ? new Date(v).getTime() : v);
  return JSON.stringify(norm(a[field])) === JSON.stringify(norm(b[field]));
}

/** Whether two policies differ in a schedule field (a change then re-decides the stored results' late marks and credit). */
export function scheduleChanged(a: TGradingPolicy, b: TGradingPolicy): boolean {
  return SCHEDULE_FIELDS.some((f) => !sameField(f, a, b));
}

type TPolicyValue = TPolicyChangeView['changes'][number]['old'];

/** A stored history value as the contract carries it (anything unexpected becomes its JSON text). */
function historyValue(v: unknown): TPolicyValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return JSON.stringify(v);
}

const sameValue = (field: string, a: TPolicyValue, b: TPolicyValue) => {
  if ((field === 'deadline' || field === 'opensAt') && typeof a === 'string' && typeof b === 'string') return new Date(a).getTime() === new Date(b).getTime();
  return JSON.stringify(a) === JSON.stringify(b);
};

/**
 * What one history row (`oldValues` -> `newValues`, as stored) changed, field by field. The first version has no old
 * values: it is `initial` and lists every field it set.
 */
export function policyChanges(oldValues: unknown, newValues: unknown): Pick<TPolicyChangeView, 'kind' | 'changes'> {
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const before = obj(oldValues);
  const after = obj(newValues);
  const initial = Object.keys(before).length === 0;
  const known = new Set<string>(POLICY_FIELDS);
  const fields = [
    ...POLICY_FIELDS,
    ...Object.keys({ ...before, ...after })
      .filter((k) => !known.has(k))
      .sort(),
  ];
  const changes = fields.flatMap((field) => {
    if (!(field in before) && !(field in after)) return [];
    const old = initial ? null : historyValue(before[field]);
    const now = historyValue(after[field]);
    return !initial && sameValue(field, old, now) ? [] : [{ field, old, new: now }];
  });
  return { kind: initial ? 'initial' : 'change', changes };
}

/** Every version of an exercise's policy, newest first: who changed it, when, and each field's old and new value. */
export async function policyHistory(db: TDb, exercise: { id: string; slug: string }): Promise<TPolicyHistory> {
  const rows = await db.gradingPolicyChange.findMany({
    where: { exerciseId: exercise.id },
    orderBy: { version: 'desc' },
    include: { changedBy: { select: { id: true, name: true, email: true } } },
  });
  return {
    exerciseSlug: exercise.slug,
    items: rows.map((r) => ({
      version: r.version,
      changedAt: r.changedAt.toISOString(),
      changedBy: r.changedBy,
      source: r.source === 'FILES' ? ('files' as const) : ('web' as const),
      ...policyChanges(r.oldValues, r.newValues),
    })),
  };
}
