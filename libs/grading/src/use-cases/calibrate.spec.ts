import { describe, expect, it } from 'vitest';
import { ZGradingPolicy, type TCalibrationView } from '@epoch/contracts';
import { calibrationOf, calibrationSuggestion, calibrationVariantsOf, type TCalibrationRuns } from './calibrate';

const policy = ZGradingPolicy.parse({ minTestAccuracy: 0.7 });

/** A calibration of `variant` (null: the reference solution) whose trained seeds reached these accuracies, from seed 42 on. */
function calibration(variant: string | null, accuracies: (number | null)[]): TCalibrationRuns {
  return {
    id: `c-${variant ?? 'reference'}`,
    createdAt: new Date('2026-12-06T10:00:00Z'),
    variant,
    seeds: accuracies.length,
    policyVersion: 1,
    runs: accuracies.map((a, i) => ({ seed: 42 + i, status: a === null ? 'QUEUED' : a >= 0.7 ? 'PASSED' : 'FAILED', testAccuracy: a })),
  };
}
const variant = (name: string, accuracies: (number | null)[]) => ({ name, calibration: calibrationOf(calibration(name, accuracies), policy) });
const reference = (accuracies: (number | null)[]): TCalibrationView => calibrationOf(calibration(null, accuracies), policy);

describe('calibrationOf', () => {
  it('counts the reference solution seeds that fail the mark and suggests the lowest seed minus the margin', () => {
    const v = reference([0.705, 0.712, 0.697, 0.689, 0.721, 0.708, 0.701, 0.715, 0.693, 0.699]);
    expect(v).toMatchObject({ variant: null, done: 10, failing: 4, passing: 6, suggestedPassMark: 0.679 });
    expect(v.summary).toBe(
      'With a pass mark of 70.0%, the reference solution fails for 4 of 10 seeds; lowest 68.9%, median 70.3%, highest 72.1%. Suggested pass mark: 67.9% (the lowest seed minus 1.0%).',
    );
  });

  it("counts a wrong variant's seeds that pass the mark (the problem), at the mark itself too (decide's >=), and suggests nothing of its own", () => {
    const v = calibrationOf(calibration('no-dropout', [0.7, 0.712, 0.65, 0.66, null]), policy);
    expect(v).toMatchObject({ variant: 'no-dropout', seeds: 5, done: 4, passing: 2, failing: 2, suggestedPassMark: null });
    expect(v.distribution).toMatchObject({ min: 0.65, max: 0.712, values: [0.65, 0.66, 0.7, 0.712] });
    expect(v.summary).toBe(
      "With a pass mark of 70.0%, the wrong variant 'no-dropout' passes for 2 of 4 seeds (1 still to train); lowest 65.0%, median 68.0%, highest 71.2%.",
    );
  });

  it('says what is queued before any seed is trained', () => {
    expect(calibrationOf(calibration('no-dropout', [null, null]), policy)).toMatchObject({
      done: 0,
      distribution: null,
      passing: 0,
      failing: 0,
      summary: "Calibration of 2 seeds of the wrong variant 'no-dropout' queued; no seed is trained yet.",
    });
    expect(reference([null]).summary).toBe('Calibration of 1 seeds queued; no seed is trained yet.');
  });
});

describe('calibrationSuggestion', () => {
  const ref = reference([0.705, 0.712, 0.697, 0.689, 0.721]); // lowest 68.9%: its own suggestion 67.9%

  it('is null until both the reference solution and a wrong variant have a trained seed', () => {
    expect(calibrationSuggestion(null, [variant('a', [0.5])], policy)).toBeNull();
    expect(calibrationSuggestion(reference([null]), [variant('a', [0.5])], policy)).toBeNull();
    expect(calibrationSuggestion(ref, [], policy)).toBeNull();
    expect(calibrationSuggestion(ref, [variant('a', [null]), { name: 'b', calibration: null }], policy)).toBeNull();
  });

  it("keeps the reference's suggestion when it fails every wrong seed, naming the closest one", () => {
    const s = calibrationSuggestion(ref, [variant('model2-30-epochs', [0.55, 0.581, 0.57]), variant('no-dropout', [0.66, 0.671])], policy)!;
    expect(s).toMatchObject({ passMark: 0.679, separates: true, closest: { variant: 'no-dropout', seed: 43, testAccuracy: 0.671 } });
    expect(s.summary).toBe(
      "Suggested pass mark: 67.9%. It passes every seed of the reference solution (lowest 68.9%) and fails every seed of the wrong variants; the wrong variants' highest seed (67.1%, 'no-dropout' with seed 43) is 0.8 points below it.",
    );
  });

  it("moves the mark halfway between when a wrong seed passes the reference's suggestion but stays below its lowest seed", () => {
    const s = calibrationSuggestion(ref, [variant('no-dropout', [0.66, 0.684, 0.683])], policy)!;
    expect(s).toMatchObject({ passMark: 0.686, separates: true, closest: { variant: 'no-dropout', seed: 43, testAccuracy: 0.684 } });
    expect(s.summary).toContain("Suggested pass mark: 68.6%, halfway between the wrong variants' highest seed (68.4%, 'no-dropout' with seed 43)");
    expect(s.summary).toContain("The reference solution's own suggestion, 67.9%, would pass 'no-dropout' for 2 of 3 seeds");
  });

  it('keeps the half-way mark at 0.1% steps while one separates, and goes finer when none does', () => {
    const s = calibrationSuggestion(ref, [variant('no-dropout', [0.6888])], policy)!;
    expect(s).toMatchObject({ passMark: 0.689, separates: true });
    // Shown with the decimals it takes to tell the numbers apart.
    expect(s.summary).toMatch(
      /^Suggested pass mark: 68\.90%, halfway between the wrong variants' highest seed \(68\.88%, 'no-dropout' with seed 42\) and the reference solution's lowest seed \(68\.90%\)/,
    );
    const close = calibrationSuggestion(reference([0.6895, 0.71]), [variant('no-dropout', [0.6891])], policy)!;
    expect(close).toMatchObject({ passMark: 0.6893, separates: true });
    expect(close.summary).toMatch(/^Suggested pass mark: 68\.93%, halfway between the wrong variants' highest seed \(68\.91%/);
  });

  it('says that no mark separates them when a wrong seed reaches the reference solution’s lowest seed', () => {
    const s = calibrationSuggestion(ref, [variant('no-dropout', [0.71, 0.689, 0.65, 0.702, 0.64]), variant('model2-30-epochs', [0.56])], policy)!;
    expect(s).toMatchObject({ passMark: 0.679, separates: false, closest: { variant: 'no-dropout', seed: 42, testAccuracy: 0.71 } });
    expect(s.summary).toContain(
      "No pass mark separates the wrong variants from the reference solution: the wrong variants' highest seed (71.0%, 'no-dropout' with seed 42)",
    );
    expect(s.summary).toMatch(
      /At 67\.9% \(the reference solution's suggestion\) the wrong variants pass: 'no-dropout' for 3 of 5 seeds\. A pass mark alone cannot tell them apart\.$/,
    );
  });

  it('treats a wrong seed equal to the reference’s lowest as not separable (decide passes at the mark)', () => {
    expect(calibrationSuggestion(ref, [variant('no-dropout', [0.689])], policy)!.separates).toBe(false);
  });
});

describe('calibrationVariantsOf', () => {
  it('reads the stored variants, and none from anything else', () => {
    const stored = [{ name: 'no-dropout', file: 'variants/no-dropout.py', description: null, code: 'x = 1\n' }];
    expect(calibrationVariantsOf(stored)).toEqual(stored);
    expect(calibrationVariantsOf(null)).toEqual([]);
    expect(calibrationVariantsOf([{ name: 'x' }])).toEqual([]);
  });
});
