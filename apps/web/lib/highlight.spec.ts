import { describe, expect, it } from 'vitest';
import { highlightPython, plainLines } from './highlight';

const classOf = (lines: ReturnType<typeof highlightPython>, text: string) => lines.flat().find((t) => t.text === text)?.className;

describe('highlightPython', () => {
  const code = "model3.compile(\n    optimizer='adam',  # the optimizer\n    epochs=30,\n)\nfor i in range(25):\n    pass\n";
  const lines = highlightPython(code);

  it('keeps every character, one row per source line (no empty row for the final newline)', () => {
    expect(lines).toHaveLength(6);
    expect(lines.map((l) => l.map((t) => t.text).join('')).join('\n')).toBe(code.replace(/\n$/, ''));
  });

  it("marks strings, numbers, comments and keywords with lezer's classes, as the editor does", () => {
    expect(classOf(lines, "'adam'")).toBe('tok-string');
    expect(classOf(lines, '30')).toBe('tok-number');
    expect(classOf(lines, '# the optimizer')).toBe('tok-comment');
    expect(classOf(lines, 'for')).toContain('tok-keyword');
    expect(classOf(lines, 'in')).toMatch(/tok-(keyword|operatorKeyword)/);
  });

  it('leaves code that does not parse readable (all text kept)', () => {
    const broken = 'model = Sequential([\n  Dense(64,,\n';
    expect(
      highlightPython(broken)
        .map((l) => l.map((t) => t.text).join(''))
        .join('\n'),
    ).toBe(broken.replace(/\n$/, ''));
  });
});

describe('plainLines', () => {
  it('splits other code into plain rows', () => {
    expect(plainLines('a\n\nb\n')).toEqual([[{ text: 'a', className: '' }], [], [{ text: 'b', className: '' }]]);
  });
});
