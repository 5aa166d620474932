import { describe, expect, it } from 'vitest';
import { etaText, seedRunsText, verdictAccuracyText } from './eta-text';

describe('etaText', () => {
  it('says one figure when the estimate is sure, a range rounded outwards when not', () => {
    expect(etaText(600, { low: 570, high: 630 })).toBe('about 10 min');
    expect(etaText(600, null)).toBe('about 10 min');
    expect(etaText(45, { low: 44, high: 46 })).toBe('about 45 s');
    expect(etaText(900, { low: 660, high: 1150 })).toBe('11–20 min');
    expect(etaText(60, { low: 30, high: 80 })).toBe('30–80 s');
    expect(etaText(3 * 3600, { low: 2 * 3600, high: 4 * 3600 })).toBe('2–4 h');
  });
});

describe('seedRunsText', () => {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  it("lists best-of-k's seeds with their training time and adds up what the extra seeds cost", () => {
    expect(
      seedRunsText(
        [
          { seed: 42, testAccuracy: 0.695, trainingSeconds: 840 },
          { seed: 43, testAccuracy: 0.702, trainingSeconds: 780 },
          { seed: 44, testAccuracy: 0.699, trainingSeconds: 800 },
        ],
        pct,
      ),
    ).toEqual({ list: 'seed 42: 69.5% (14 min), seed 43: 70.2% (13 min), seed 44: 69.9% (13 min)', extraSeconds: 1580 });
  });
  it('leaves the cost out for results recorded before seed times were', () => {
    expect(
      seedRunsText(
        [
          { seed: 1, testAccuracy: 0.5 },
          { seed: 2, testAccuracy: 0.6 },
        ],
        pct,
      ),
    ).toEqual({ list: 'seed 1: 50.0%, seed 2: 60.0%', extraSeconds: null });
  });
});

describe('verdictAccuracyText', () => {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  it("quotes the accuracy the verdict judged: the held-out part's, and over several seeds the best one's", () => {
    expect(verdictAccuracyText({ verdictAccuracy: 0.695, heldOut: null, seedRuns: [{ testAccuracy: 0.695 }] }, pct)).toBe('69.5%');
    expect(verdictAccuracyText({ verdictAccuracy: 0.69, heldOut: { testAccuracy: 0.69 }, seedRuns: [] }, pct)).toBe('69.0% on the held-out images');
    const two = { verdictAccuracy: 0.712, heldOut: null, seedRuns: [{ testAccuracy: 0.695 }, { testAccuracy: 0.712 }] };
    expect(verdictAccuracyText(two, pct)).toBe('71.2% (the best of 2 seeds)');
    expect(verdictAccuracyText(two, pct, true)).toBe('71.2% (the best of 2 seeds so far)');
    expect(verdictAccuracyText({ verdictAccuracy: null, heldOut: null, seedRuns: [] }, pct)).toBe('—');
  });
});
