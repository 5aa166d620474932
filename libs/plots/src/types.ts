/** What every plot function returns: the rendered figure and the numbers behind it. */
export interface PlotResult<TData> {
  /** PNG bytes (white background). */
  png: Uint8Array;
  /** The SVG the PNG was rendered from; self-contained (images are embedded data URIs), usable on the web. */
  svg: string;
  /** JSON-serialisable numbers behind the plot (no NaN/Infinity: those become null and are listed in notes). */
  data: TData;
}
