import { Resvg } from '@resvg/resvg-js';
import { FONT_FAMILY, FONT_FILES } from './text-metrics';
import type { PlotResult } from './types';

/** Rasterises an SVG from this library; fonts are loaded explicitly (never system fonts) so every machine draws the same pixels. */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    font: { fontFiles: [...FONT_FILES], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    shapeRendering: 2,
    textRendering: 1,
  });
  return new Uint8Array(resvg.render().asPng());
}

export function finish<TData>(svg: string, data: TData): PlotResult<TData> {
  return { png: svgToPng(svg), svg, data };
}
