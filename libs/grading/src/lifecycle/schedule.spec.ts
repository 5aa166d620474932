import { describe, expect, it } from 'vitest';
import { isLate, publicPartHidden, refusesSubmission, resultHidden, scheduleOf, shownStatus } from './schedule';

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
