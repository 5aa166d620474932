import { describe, expect, it } from 'vitest';
import { decide } from './decide';
import { scheduleOf } from './schedule';

const schedule = scheduleOf({ deadline: null, latePolicy: 'ACCEPT', resultVisibility: 'IMMEDIATE' });
const policy = { minTestAccuracy: 0.7 };

describe('decide', () => {
  it('passes at the pass mark and above, with no message', () => {
    expect(decide({ testAccuracy: 0.7 }, policy, schedule)).toEqual({ status: 'PASSED', message: null, credit: 1, late: false });
    expect(decide({ testAccuracy: 0.704 }, policy, schedule)).toEqual({ status: 'PASSED', message: null, credit: 1, late: false });
  });
  it('fails below it, saying by how much, and how the result came about', () => {
    expect(decide({ testAccuracy: 0.65 }, policy, schedule)).toEqual({
      status: 'FAILED',
      message: 'Test accuracy 65.0% is below the required 70.0%.',
      credit: 1,
      late: false,
    });
    // One decimal would read "70.0% is below the required 70.0%": as many decimals as it takes to show the gap.
    expect(decide({ testAccuracy: 0.6999 }, policy, schedule).message).toBe('Test accuracy 69.99% is below the required 70.00%.');
    expect(decide({ testAccuracy: 0.42 }, policy, schedule, 'reused').message).toBe(
      'Test accuracy 42.0% is below the required 70.0% (result reused from an identical earlier submission).',
    );
    expect(decide({ testAccuracy: 0.42 }, policy, schedule, 'redecided').message).toBe(
      'Test accuracy 42.0% is below the required 70.0% (re-decided after a threshold change).',
    );
  });
  it('gives the credit of the schedule at submission time, without changing the verdict', () => {
    const late = scheduleOf({
      deadline: '2030-01-10T00:00:00Z',
      latePolicy: 'ACCEPT',
      lateCredit: [{ hours: 24, credit: 0.8 }],
      resultVisibility: 'IMMEDIATE',
    });
    expect(decide({ testAccuracy: 0.8 }, policy, late, 'graded', new Date('2030-01-09T00:00:00Z'))).toEqual({
      status: 'PASSED',
      message: null,
      credit: 1,
      late: false,
    });
    expect(decide({ testAccuracy: 0.8 }, policy, late, 'graded', new Date('2030-01-10T06:00:00Z'))).toEqual({
      status: 'PASSED',
      message: null,
      credit: 0.8,
      late: true,
    });
    expect(decide({ testAccuracy: 0.5 }, policy, late, 'graded', new Date('2030-01-10T06:00:00Z'))).toMatchObject({
      status: 'FAILED',
      credit: 0.8,
      late: true,
    });
    // A local run has no submission time: on time, full credit.
    expect(decide({ testAccuracy: 0.8 }, policy, late)).toMatchObject({ credit: 1, late: false });
  });
});
