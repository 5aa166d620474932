import { describe, expect, it } from 'vitest';
import { escapeXml } from './svg';
import { fitText, textWidth } from './text-metrics';

describe('text metrics', () => {
  it('measures with the bundled font: wider glyphs and longer strings take more room', () => {
    expect(textWidth('mmmm', 12)).toBeGreaterThan(textWidth('iiii', 12));
    expect(textWidth('airplane', 24)).toBeCloseTo(textWidth('airplane', 12) * 2);
  });

  it('leaves text that fits alone and cuts text that does not, ending with an ellipsis', () => {
    expect(fitText('cat', 12, 100)).toBe('cat');
    const cut = fitText('a very long class name indeed', 12, 80);
    expect(cut.endsWith('…')).toBe(true);
    expect(textWidth(cut, 12)).toBeLessThanOrEqual(80);
    expect(fitText('abc', 12, 1)).toBe('…');
  });

  it('escapes XML metacharacters', () => {
    expect(escapeXml(`<cat & "dog's">`)).toBe('&#60;cat &#38; &#34;dog&#39;s&#34;&#62;');
  });
});
