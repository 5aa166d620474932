import { describe, expect, it } from 'vitest';
import { policyFromRow } from '@epoch/db';
import { ZGradingPolicy } from '@epoch/contracts';
import { policyChanges, samePolicy } from './policy-history';
import { POLICY_ROW_FIXTURE as row } from '@epoch/db/testing';

describe('policy comparison', () => {
  it('compares policies by value, with deadlines in any offset', () => {
    const p = policyFromRow(row);
    expect(samePolicy(p, { ...p, deadline: '2030-01-01T13:00:00+01:00' })).toBe(true);
    expect(samePolicy(p, { ...p, minTestAccuracy: 0.6 })).toBe(false);
    expect(samePolicy(p, ZGradingPolicy.parse({ ...p }))).toBe(true);
  });
});

describe('policy history', () => {
  const p = policyFromRow(row);

  it('lists only the fields a change touched, old -> new, in the contract order', () => {
    expect(policyChanges(p, { ...p, minTestAccuracy: 0.6, dailyQuota: null, allowedLayers: ['Dense'] })).toEqual({
      kind: 'change',
      changes: [
        { field: 'minTestAccuracy', old: 0.5, new: 0.6 },
        { field: 'allowedLayers', old: ['Dense', 'Flatten'], new: ['Dense'] },
        { field: 'dailyQuota', old: 3, new: null },
      ],
    });
  });

  it('treats the same deadline in another offset as unchanged', () => {
    expect(policyChanges(p, { ...p, deadline: '2030-01-01T13:00:00+01:00' }).changes).toEqual([]);
  });

  it('lists every field of the first version (no old values) as initial', () => {
    const first = policyChanges({}, p);
    expect(first.kind).toBe('initial');
    expect(first.changes.map((c) => c.field)).toEqual(Object.keys(p));
    expect(first.changes[0]).toEqual({ field: 'minTestAccuracy', old: null, new: 0.5 });
  });

  it('keeps fields the contract no longer has, and shows odd stored values as text', () => {
    expect(policyChanges({ ...p, retired: 1 }, { ...p, retired: { a: 1 } }).changes).toEqual([{ field: 'retired', old: 1, new: '{"a":1}' }]);
  });
});
