import { FONT_FAMILY } from './text-metrics';

/** Minimal SVG string builders: figures are plain SVG so the web can show them as they are. */

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Rounds coordinates so SVG stays small and diff-stable. */
export function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? n(v) : escapeXml(v)}"`)
    .join('');
}

export function el(name: string, a: Attrs, children = ''): string {
  return children === '' ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${children}</${name}>`;
}

export interface TextOptions {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  fill?: string;
  weight?: 'normal' | 'bold';
  rotate?: number;
  /** Vertical alignment of (x, y): the text baseline (default) or its visual middle. */
  baseline?: 'alphabetic' | 'middle' | 'hanging';
}

export function text(x: number, y: number, content: string, o: TextOptions = {}): string {
  const size = o.size ?? 12;
  // resvg's dominant-baseline support is partial, so vertical centring is done by shifting y.
  const dy = o.baseline === 'middle' ? size * 0.36 : o.baseline === 'hanging' ? size * 0.76 : 0;
  return el(
    'text',
    {
      x,
      y: y + dy,
      'font-size': size,
      'text-anchor': o.anchor ?? 'start',
      fill: o.fill ?? '#222222',
      'font-weight': o.weight === 'bold' ? 'bold' : undefined,
      transform: o.rotate ? `rotate(${n(o.rotate)} ${n(x)} ${n(y)})` : undefined,
    },
    escapeXml(content),
  );
}

export function rect(x: number, y: number, width: number, height: number, a: Attrs = {}): string {
  return el('rect', { x, y, width, height, ...a });
}

export function line(x1: number, y1: number, x2: number, y2: number, a: Attrs = {}): string {
  return el('line', { x1, y1, x2, y2, ...a });
}

export function image(x: number, y: number, width: number, height: number, dataUri: string): string {
  return el('image', { x, y, width, height, href: dataUri, 'image-rendering': 'optimizeSpeed', preserveAspectRatio: 'none' });
}

/** A complete document on a white background, using the bundled font. */
export function svgDocument(width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" font-family="${FONT_FAMILY}">` +
    rect(0, 0, width, height, { fill: '#ffffff' }) +
    body +
    '</svg>'
  );
}
