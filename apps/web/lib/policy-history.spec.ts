import { describe, expect, it } from 'vitest';
import { changeLines, formatPolicyValue } from './policy-history';

describe('policy history text', () => {
  it('names each changed field with its old and new value in words', () => {
    expect(
      changeLines({
        kind: 'change',
        changes: [
          { field: 'minTestAccuracy', old: 0.7, new: 0.75 },
          { field: 'dailyQuota', old: 10, new: null },
          { field: 'allowedLayers', old: null, new: ['Conv2D', 'Dense'] },
          { field: 'latePolicy', old: 'ACCEPT', new: 'REFUSE' },
          { field: 'reuseCachedResults', old: false, new: true },
          { field: 'refundCancelledQuota', old: true, new: false },
          { field: 'maxParams', old: 20_000_000, new: 1_000_000 },
        ],
      }),
    ).toEqual([
      'Pass mark: 70.0% → 75.0%',
      'Submissions per day: 10 → unlimited',
      'Allowed layers: any → Conv2D, Dense',
      'Late submissions: accept → refuse',
      'Reuse identical results: no → yes',
      'Quota slot back when cancelled while training: yes → no',
      'Largest model (parameters): 20,000,000 → 1,000,000',
    ]);
  });

  it('lists the first version as the values it set, and shows unknown fields by name', () => {
    expect(
      changeLines({
        kind: 'initial',
        changes: [
          { field: 'minTestAccuracy', old: null, new: 0.3 },
          { field: 'retired', old: null, new: 1 },
        ],
      }),
    ).toEqual(['Pass mark: 30.0%', 'retired: 1']);
  });

  it('shows deadlines as dates and a missing one as none', () => {
    expect(formatPolicyValue('deadline', '2030-01-01T12:00:00.000Z')).toBe('Tue 1 Jan 2030, 12:00 UTC');
    expect(formatPolicyValue('deadline', null)).toBe('none');
    expect(formatPolicyValue('resultVisibility', 'AFTER_DEADLINE')).toBe('after deadline');
  });
});
