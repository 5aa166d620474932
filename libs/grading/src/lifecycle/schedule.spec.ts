import { describe, expect, it } from 'vitest';
import {
  closesAt,
  creditAt,
  dayStartIn,
  isLate,
  publicPartHidden,
  quotaOf,
  refusesSubmission,
  resultHidden,
  scheduleOf,
  shownStatus,
  windowAt,
  withException,
} from './schedule';

const now = new Date('2030-01-01T00:00:00Z');
const before = new Date('2030-01-02T00:00:00Z');
const after = new Date('2029-12-31T00:00:00Z');

describe('resultHidden', () => {
  it('hides from the owner until an AFTER_DEADLINE deadline passes', () => {
    expect(resultHidden({ resultVisibility: 'AFTER_DEADLINE', deadline: before }, 'OWNER', now)).toBe(true);
    expect(resultHidden({ resultVisibility: 'AFTER_DEADLINE', deadline: after }, 'OWNER', now)).toBe(false);
  });
  it('never hides from staff, under IMMEDIATE, or without a deadline', () => {
    expect(resultHidden({ resultVisibility: 'AFTER_DEADLINE', deadline: before }, 'STAFF', now)).toBe(false);
    expect(resultHidden({ resultVisibility: 'IMMEDIATE', deadline: before }, 'OWNER', now)).toBe(false);
    expect(resultHidden({ resultVisibility: 'AFTER_DEADLINE', deadline: null }, 'OWNER', now)).toBe(false);
    expect(resultHidden(null, 'OWNER', now)).toBe(false);
  });
  it('under a held-out split, hides the verdict from the owner until the deadline even under IMMEDIATE, keeping the public part', () => {
    const held = { resultVisibility: 'IMMEDIATE' as const, deadline: before, heldOutShare: 0.5 };
    expect(resultHidden(held, 'OWNER', now)).toBe(true);
    expect(publicPartHidden(true, held)).toBe(false);
    expect(resultHidden(held, 'STAFF', now)).toBe(false);
    expect(resultHidden({ ...held, deadline: after }, 'OWNER', now)).toBe(false);
    expect(publicPartHidden(true, { resultVisibility: 'AFTER_DEADLINE' })).toBe(true);
    expect(publicPartHidden(false, { resultVisibility: 'AFTER_DEADLINE' })).toBe(false);
  });
});

describe('the schedule', () => {
  const schedule = scheduleOf({ deadline: '2030-01-01T00:00:00Z', latePolicy: 'REFUSE', resultVisibility: 'IMMEDIATE' });
  it('calls a submission late only after the deadline, and refuses it only when the policy refuses late work', () => {
    expect(isLate(schedule, new Date('2029-12-31T23:59:59Z'))).toBe(false);
    expect(isLate(schedule, new Date('2030-01-01T00:00:01Z'))).toBe(true);
    expect(refusesSubmission(schedule, new Date('2030-01-01T00:00:01Z'))).toBe(true);
    expect(refusesSubmission({ ...schedule, latePolicy: 'ACCEPT' }, new Date('2030-01-01T00:00:01Z'))).toBe(false);
    expect(isLate(scheduleOf({ deadline: null, latePolicy: 'REFUSE', resultVisibility: 'IMMEDIATE' }), new Date('2100-01-01'))).toBe(false);
  });
  it('shows PASSED and FAILED as GRADED while the result is hidden, and every other status as it is', () => {
    expect(shownStatus('PASSED', true)).toBe('GRADED');
    expect(shownStatus('FAILED', true)).toBe('GRADED');
    expect(shownStatus('RUNNING', true)).toBe('RUNNING');
    expect(shownStatus('PASSED', false)).toBe('PASSED');
  });
});

describe('late windows, opening and extensions', () => {
  const s = scheduleOf({
    opensAt: '2030-01-01T00:00:00Z',
    deadline: '2030-01-10T00:00:00Z',
    latePolicy: 'ACCEPT',
    lateCredit: [
      { hours: 24, credit: 0.8 },
      { hours: 48, credit: 0.5 },
    ],
    resultVisibility: 'IMMEDIATE',
  });
  const t = (iso: string) => new Date(iso);
  it('gives 100% until the deadline, each window its credit, then closes', () => {
    expect(windowAt(s, t('2029-12-31T23:59:59Z'))).toBe('NOT_OPEN');
    expect(refusesSubmission(s, t('2029-12-31T23:59:59Z'))).toBe(true);
    expect(creditAt(s, t('2030-01-10T00:00:00Z'))).toBe(1);
    expect(creditAt(s, t('2030-01-10T00:00:01Z'))).toBe(0.8);
    expect(creditAt(s, t('2030-01-11T00:00:00Z'))).toBe(0.8);
    expect(creditAt(s, t('2030-01-11T00:00:01Z'))).toBe(0.5);
    expect(windowAt(s, t('2030-01-12T00:00:01Z'))).toBe('CLOSED');
    expect(refusesSubmission(s, t('2030-01-12T00:00:01Z'))).toBe(true);
    expect(creditAt(s, t('2030-01-12T00:00:01Z'))).toBe(0);
    expect(closesAt(s)?.toISOString()).toBe('2030-01-12T00:00:00.000Z');
  });
  it('late work without windows counts in full when accepted', () => {
    const plain = scheduleOf({ deadline: '2030-01-10T00:00:00Z', latePolicy: 'ACCEPT', resultVisibility: 'IMMEDIATE' });
    expect(creditAt(plain, t('2031-01-01T00:00:00Z'))).toBe(1);
    expect(closesAt(plain)).toBeNull();
  });
  it("moves the deadline and the late windows to the student's extension", () => {
    const ext = withException(s, { deadline: t('2030-01-15T00:00:00Z') });
    expect(ext.extended).toBe(true);
    expect(creditAt(ext, t('2030-01-14T00:00:00Z'))).toBe(1);
    expect(creditAt(ext, t('2030-01-15T12:00:00Z'))).toBe(0.8);
    expect(withException(s, { deadline: null })).toBe(s);
  });
  it('applies quota overrides and adds extra submissions to the total', () => {
    expect(quotaOf({ dailyQuota: 3, totalQuota: 10 }, null)).toEqual({ dailyQuota: 3, totalQuota: 10 });
    expect(quotaOf({ dailyQuota: 3, totalQuota: 10 }, { deadline: null, extraSubmissions: 2, dailyQuota: 5, totalQuota: null })).toEqual({
      dailyQuota: 5,
      totalQuota: 12,
    });
    expect(quotaOf({ dailyQuota: 3, totalQuota: null }, { deadline: null, extraSubmissions: 2, dailyQuota: null, totalQuota: null })).toEqual({
      dailyQuota: 3,
      totalQuota: null,
    });
  });
  it("starts the quota day at midnight in the course's time zone", () => {
    // 2030-01-10 02:00 UTC is still 2030-01-09 in New York (UTC-5): that day began at 05:00 UTC on the 9th.
    expect(dayStartIn('America/New_York', t('2030-01-10T02:00:00Z')).toISOString()).toBe('2030-01-09T05:00:00.000Z');
    expect(dayStartIn('Europe/Berlin', t('2030-07-10T23:30:00Z')).toISOString()).toBe('2030-07-10T22:00:00.000Z');
    expect(dayStartIn('UTC', t('2030-01-10T02:00:00Z')).toISOString()).toBe('2030-01-10T00:00:00.000Z');
  });
});
