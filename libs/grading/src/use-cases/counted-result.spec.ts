import { describe, expect, it } from 'vitest';
import { countedResult, type TAttemptFact } from './counted-result';

const at = (h: number) => new Date(Date.UTC(2030, 0, 1, h));
const a = (id: string, h: number, status: string, testAccuracy: number | null, credit: number | null = 1, late = false): TAttemptFact => ({
  id,
  status,
  createdAt: at(h),
  testAccuracy,
  credit,
  late,
});

describe('countedResult', () => {
  const attempts = [
    a('1', 1, 'FAILED', 0.5),
    a('2', 2, 'PASSED', 0.71, 1),
    a('3', 3, 'PASSED', 0.8, 0.8, true),
    a('4', 4, 'FAILED', 0.6, 0.8, true),
    a('5', 5, 'QUEUED', null),
    a('6', 6, 'REJECTED', null),
  ];
  it('BEST counts the highest score (credit when passed), then the highest accuracy', () => {
    expect(countedResult(attempts, 'BEST')).toEqual({
      submissionId: '2',
      status: 'PASSED',
      testAccuracy: 0.71,
      submittedAt: at(2).toISOString(),
      late: false,
      credit: 1,
      score: 1,
    });
    // Two passes at the same credit: the higher accuracy counts.
    expect(countedResult([a('x', 1, 'PASSED', 0.9), a('y', 2, 'PASSED', 0.75)], 'BEST')?.submissionId).toBe('x');
    // A late pass (80%) beats an on-time failure.
    expect(countedResult([a('x', 1, 'FAILED', 0.69), a('y', 2, 'PASSED', 0.75, 0.8, true)], 'BEST')).toMatchObject({ submissionId: 'y', score: 0.8 });
  });
  it('LAST counts the latest graded attempt, ignoring ungraded ones', () => {
    expect(countedResult(attempts, 'LAST')).toMatchObject({ submissionId: '4', status: 'FAILED', late: true, credit: 0.8, score: 0 });
  });
  it('counts nothing without a graded attempt, and a graded one without a credit in full', () => {
    expect(countedResult([a('5', 5, 'QUEUED', null), a('7', 7, 'ERROR', null)], 'BEST')).toBeNull();
    expect(countedResult([a('1', 1, 'PASSED', 0.9, null)], 'LAST')).toMatchObject({ credit: 1, score: 1 });
  });
});
