import { rgb } from 'd3-color';
import { interpolateBlues, interpolateViridis } from 'd3-scale-chromatic';

export type Rgb = [number, number, number];

function lut(interpolate: (t: number) => string): Rgb[] {
  return Array.from({ length: 256 }, (_, i) => {
    const c = rgb(interpolate(i / 255));
    return [Math.round(c.r), Math.round(c.g), Math.round(c.b)];
  });
}

let viridisLut: Rgb[] | undefined;
let bluesLut: Rgb[] | undefined;

function pick(table: Rgb[], t: number): Rgb {
  const clamped = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  return table[Math.round(clamped * 255)]!;
}

/** matplotlib's default imshow colormap: dark purple (low) to yellow (high), perceptually uniform. */
export function viridis(t: number): Rgb {
  viridisLut ??= lut(interpolateViridis);
  return pick(viridisLut, t);
}

/** Sequential white-to-dark-blue, as matplotlib's 'Blues' (used for confusion matrices). */
export function blues(t: number): Rgb {
  bluesLut ??= lut(interpolateBlues);
  return pick(bluesLut, t);
}

export function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
