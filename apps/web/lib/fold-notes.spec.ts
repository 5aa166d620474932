import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkSource } from '@epoch/model-spec';
import { LESSON_FIXTURES } from '@epoch/model-spec/fixtures';
import { describe, expect, it } from 'vitest';
import { foldNotes } from './fold-notes';

describe('foldNotes', () => {
  it("folds the lesson's seven plotting lines into one note", () => {
    const r = checkSource(readFileSync(fileURLToPath(LESSON_FIXTURES.model3), 'utf8'));
    expect(r.diagnostics.filter((d) => d.code === 'ignored-plot')).toHaveLength(7);
    const folded = foldNotes(r.diagnostics).filter((d) => d.code === 'ignored-plot');
    expect(folded).toEqual([expect.objectContaining({ message: '7 lines of plotting code are ignored: they do not affect the model.' })]);
    expect(folded[0]?.line).toBe(r.diagnostics.find((d) => d.code === 'ignored-plot')?.line);
  });

  it('lists no note on a line that has an error, and keeps the errors and warnings', () => {
    const src = "model = Sequential([Dense(10)])\nprint(1); model.compile('adamz', 'mse')\nmodel.fit(train_data)\nplt.plot(1)\n";
    const r = checkSource(src);
    expect(r.diagnostics.some((d) => d.line === 2 && d.severity === 'info')).toBe(true);
    const folded = foldNotes(r.diagnostics);
    expect(folded.filter((d) => d.line === 2).map((d) => d.severity)).toEqual(['error']);
    expect(folded.filter((d) => d.severity !== 'info')).toEqual(r.diagnostics.filter((d) => d.severity !== 'info'));
    expect(folded.find((d) => d.code === 'ignored-plot')?.message).toBe('Ignored: 1 line of plotting code does not affect the model.');
  });
});
