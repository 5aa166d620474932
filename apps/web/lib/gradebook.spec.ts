import { describe, expect, it } from 'vitest';
import { cellText, totalText } from './gradebook';

const counted = { submissionId: 's', status: 'PASSED' as const, testAccuracy: 0.723, submittedAt: '2026-01-01T00:00:00Z', late: true, credit: 0.8, score: 0.8 };

describe('gradebook cells', () => {
  it('says the counted result and its marks', () => {
    expect(cellText({ exerciseSlug: 'e', counted, attempts: 2, extended: true })).toEqual({ main: '72.3% passed', marks: ['late', 'credit 80%', 'extension'] });
    expect(cellText({ exerciseSlug: 'e', counted: { ...counted, status: 'FAILED', late: false, credit: 1, score: 0 }, attempts: 1, extended: false })).toEqual({
      main: '72.3% failed',
      marks: [],
    });
    expect(cellText({ exerciseSlug: 'e', counted: null, attempts: 0, extended: false })).toEqual({ main: '—', marks: [] });
    expect(totalText(1.8, 3)).toBe('1.8 / 3');
  });
});
