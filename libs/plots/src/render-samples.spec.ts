import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { predictionGrid } from './image-grids';
import { decodePng } from './png-pixels';

const script = fileURLToPath(new URL('../scripts/render-samples.ts', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'epoch-plots-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('scripts/render-samples.ts', () => {
  it('writes a decodable PNG, its SVG and its JSON data for every plot type', () => {
    execFileSync('npx', ['tsx', script, out], { stdio: 'pipe' });
    const files = readdirSync(out).sort();
    const names = ['accuracy', 'confusion-matrix', 'feature-maps-conv2d', 'feature-maps-conv2d_2', 'loss', 'mistakes', 'predictions', 'training-images'];
    expect(files).toEqual(names.flatMap((n) => [`${n}.json`, `${n}.png`, `${n}.svg`]).sort());
    for (const name of names) {
      const png = decodePng(readFileSync(join(out, `${name}.png`)));
      expect(png.width).toBeGreaterThanOrEqual(640);
      expect(png.width).toBeLessThanOrEqual(900);
      expect(JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8'))).toBeTypeOf('object');
    }
  }, 30_000);
});

describe('rendering', () => {
  it('is deterministic: the same input gives the same bytes', () => {
    const input = { images: new Uint8Array(3072 * 2).map((_, i) => i % 251), actual: [0, 1], predicted: [1, 1], classNames: ['cat', 'dog'] };
    expect(Buffer.from(predictionGrid(input).png).equals(Buffer.from(predictionGrid(input).png))).toBe(true);
  });

  it('escapes class names so any name renders', () => {
    const plot = predictionGrid({ images: new Uint8Array(3072), actual: [0], predicted: [0], classNames: ['<cat & "dog">'] });
    expect(plot.svg).toContain('P: &#60;cat &#38; &#34;dog&#34;&#62;');
    expect(decodePng(plot.png).width).toBeGreaterThan(0);
  });
});
