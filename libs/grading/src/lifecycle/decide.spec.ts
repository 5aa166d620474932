import { describe, expect, it } from 'vitest';
import { decide, wantsAnotherSeed } from './decide';
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

  it('decides over every recorded seed run: one passing run passes, and the message names the seeds', () => {
    const runs = [
      { seed: 42, testAccuracy: 0.69 },
      { seed: 43, testAccuracy: 0.705 },
    ];
    expect(decide({ testAccuracy: 0.69, seedRuns: runs }, policy, schedule).status).toBe('PASSED');
    expect(decide({ testAccuracy: 0.69, seedRuns: [runs[0], { seed: 43, testAccuracy: 0.68 }] }, policy, schedule).message).toBe(
      'Test accuracy 69.0% (the best of 2 seeds: 42, 43) is below the required 70.0%.',
    );
  });
  it('decides on the held-out part when there is one, whatever the public part shows', () => {
    const heldOut = {
      testAccuracy: 0.66,
      testLoss: 1,
      perClassAccuracy: [],
      confusionMatrix: [],
      split: { seed: 42, share: 0.5, publicImages: 5000, privateImages: 5000 },
    };
    expect(decide({ testAccuracy: 0.75, heldOut }, policy, schedule)).toEqual({
      status: 'FAILED',
      message: 'Test accuracy on the held-out images 66.0% is below the required 70.0%.',
      credit: 1,
      late: false,
    });
    expect(decide({ testAccuracy: 0.6, heldOut: { ...heldOut, testAccuracy: 0.71 } }, policy, schedule).status).toBe('PASSED');
    // Malformed stored JSON is ignored, never thrown on.
    expect(decide({ testAccuracy: 0.75, heldOut: { nonsense: true }, seedRuns: 'x' }, policy, schedule).status).toBe('PASSED');
  });
  it('best-of-k asks for another seed only for a result within the margin below the pass mark, up to k runs', () => {
    const bestOf = { minTestAccuracy: 0.7, seedPolicy: 'BEST_OF_K' as const, bestOfSeeds: 3, bestOfMargin: 0.02 };
    const run = (testAccuracy: number, seed = 42) => ({ seed, testAccuracy });
    expect(wantsAnotherSeed([run(0.69)], bestOf)).toBe(true);
    expect(wantsAnotherSeed([run(0.68)], bestOf)).toBe(true);
    expect(wantsAnotherSeed([run(0.67)], bestOf)).toBe(false);
    expect(wantsAnotherSeed([run(0.7)], bestOf)).toBe(false);
    expect(wantsAnotherSeed([run(0.69), run(0.69, 43)], bestOf)).toBe(true);
    expect(wantsAnotherSeed([run(0.69), run(0.69, 43), run(0.69, 44)], bestOf)).toBe(false);
    expect(wantsAnotherSeed([run(0.69)], { ...bestOf, seedPolicy: 'FIXED' })).toBe(false);
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
