import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSource } from './check-source';
import { LESSON_FIXTURES, type TLessonFixture } from './fixtures';
import { forwardMacs } from './model-cost';

const specOf = (f: TLessonFixture) => {
  const r = checkSource(readFileSync(fileURLToPath(LESSON_FIXTURES[f]), 'utf8'));
  if (!r.spec) throw new Error(`no spec for ${f}`);
  return r.spec;
};

describe('forwardMacs', () => {
  it('counts the dense network: 3072×256 + 256×10 plus one per value of Flatten', () => {
    expect(forwardMacs(specOf('denseNetwork'))).toBe(3072 + 3072 * 256 + 256 * 10);
  });

  it('counts model3: three 3×3 convolutions, three 2×2 pools and two dense layers', () => {
    const conv = 32 * 32 * 32 * 27 + 16 * 16 * 32 * 288 + 8 * 8 * 64 * 288;
    const pool = (16 * 16 * 32 + 8 * 8 * 32 + 4 * 4 * 64) * 4;
    const dense = 1024 * 64 + 64 * 10;
    expect(forwardMacs(specOf('model3'))).toBe(conv + pool + dense + 1024 + 64);
  });

  it('is null for a spec whose shapes do not work out', () => {
    const spec = specOf('model3');
    expect(forwardMacs({ ...spec, inputShape: [4, 4, 3] })).toBeNull();
  });
});
