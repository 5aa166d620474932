import { describe, expect, it } from 'vitest';
import { etaText } from './eta-text';

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
