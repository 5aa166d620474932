import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import opentype from 'opentype.js';

const require = createRequire(import.meta.url);

/** The one font every figure uses, shipped in npm (Bitstream Vera / DejaVu licence), so output is identical on every machine. */
export const FONT_FAMILY = 'DejaVu Sans';
export const FONT_FILES: readonly string[] = [
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
];

const faces: (opentype.Font | undefined)[] = [];

function font(bold: boolean): opentype.Font {
  const i = bold ? 1 : 0;
  let face = faces[i];
  if (!face) {
    const bytes = readFileSync(FONT_FILES[i]!);
    // lowMemory: glyphs are parsed when first measured, not all ~6,000 up front (a third of the time; same widths).
    face = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), { lowMemory: true });
    faces[i] = face;
  }
  return face;
}

/** Advance width in px of `text` set at `fontSize` in the bundled regular (or bold) face. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  return font(bold).getAdvanceWidth(text, fontSize);
}

/** `text` unchanged if it fits in `maxWidth`, else cut and ended with an ellipsis so that it does. */
export function fitText(text: string, fontSize: number, maxWidth: number, bold = false): string {
  if (textWidth(text, fontSize, bold) <= maxWidth) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(chars.slice(0, mid).join('') + '…', fontSize, bold) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('').trimEnd() + '…';
}
