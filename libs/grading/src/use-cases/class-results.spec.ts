import { describe, expect, it } from 'vitest';
import { classRows, classSummary, median } from './class-results';

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
const students = [
  { id: 'a', email: 'a@x', name: 'A' },
  { id: 'b', email: 'b@x', name: 'B' },
  { id: 'c', email: 'c@x', name: 'C' },
];

describe('class results', () => {
  it('computes best, latest, attempts, passed, last time and late flag per student', () => {
    const rows = classRows(students, [
      { userId: 'a', id: '3', status: 'FAILED', late: true, createdAt: at(3), testAccuracy: 0.4 },
      { userId: 'a', id: '1', status: 'PASSED', late: false, createdAt: at(1), testAccuracy: 0.7 },
      { userId: 'a', id: '2', status: 'REJECTED', late: false, createdAt: at(2), testAccuracy: null },
      { userId: 'b', id: '4', status: 'QUEUED', late: false, createdAt: at(4), testAccuracy: null },
    ]);
    expect(rows[0]).toEqual({
      userId: 'a',
      email: 'a@x',
      name: 'A',
      attempts: 2,
      bestTestAccuracy: 0.7,
      latestTestAccuracy: 0.4,
      passed: true,
      lastSubmissionAt: at(3).toISOString(),
      late: true,
      latestSubmissionId: '3',
      latestStatus: 'FAILED',
      counted: { submissionId: '1', status: 'PASSED', testAccuracy: 0.7, submittedAt: at(1).toISOString(), late: false, credit: 1, score: 1 },
    });
    // Queued: no verdict yet, and the row says so through its latest status.
    expect(rows[1]).toMatchObject({ attempts: 1, bestTestAccuracy: null, passed: false, latestSubmissionId: '4', latestStatus: 'QUEUED' });
    expect(rows[2]).toMatchObject({ attempts: 0, lastSubmissionAt: null, late: false, latestSubmissionId: null, latestStatus: null });
  });
  it('summarises pass rate, median and the distribution in ten bins', () => {
    const rows = classRows(students, [
      { userId: 'a', id: '1', status: 'PASSED', late: false, createdAt: at(1), testAccuracy: 1 },
      { userId: 'b', id: '2', status: 'FAILED', late: false, createdAt: at(2), testAccuracy: 0.25 },
    ]);
    const s = classSummary(rows);
    expect(s).toMatchObject({ students: 3, withResult: 2, passed: 1, medianBest: 0.625 });
    expect(s.passRate).toBeCloseTo(1 / 3);
    expect(s.distribution.map((d) => d.count)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(classSummary([]).passRate).toBe(0);
  });
});
