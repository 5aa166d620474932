import { viridis } from './colormap';
import { PlotInputError } from './errors';
import { rgbToDataUri, type RgbImage } from './raster';
import { finish } from './render';
import type { Box } from './tile-grid';
import { image, rect, svgDocument, text } from './svg';
import { fitText } from './text-metrics';
import type { PlotResult } from './types';
import { describe, requireBytes, requirePositiveInt } from './validate';

export interface FeatureMapsInput {
  layerName: string;
  /** One image's activations, H×W×C (channels last, as tfjs returns them). */
  maps: Float32Array | Float64Array;
  height: number;
  width: number;
  channels: number;
  /** The input image (imageHeight×imageWidth×3 RGB, default 32×32), shown beside the title. */
  image?: Uint8Array;
  imageHeight?: number;
  imageWidth?: number;
}

export interface FeatureMapStats {
  channel: number;
  /** null when the map has no finite value at all. */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** All finite values equal: drawn as a flat dark map (no division by zero). */
  constant: boolean;
  /** NaN/Infinity activations, drawn grey and left out of min/max. */
  nonFinite: number;
}

export interface FeatureMapsData {
  layerName: string;
  height: number;
  width: number;
  channels: number;
  /** Maps drawn (the first 64 channels at most). */
  shown: number;
  maps: FeatureMapStats[];
  layout: { width: number; height: number; columns: number; tiles: Box[]; input: Box | null };
}

const COLUMNS = 8;
const MAX_SHOWN = 64;
const COLUMN_WIDTH = 104;
const TILE = 88;
const LABEL_HEIGHT = 22;
const SIDE = 20;
const NON_FINITE_GREY = 190;

function channelImage(input: FeatureMapsInput, channel: number): { img: RgbImage; stats: FeatureMapStats } {
  const { height, width, channels, maps } = input;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  for (let p = 0; p < height * width; p++) {
    const v = maps[p * channels + channel]!;
    if (!Number.isFinite(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    finite++;
  }
  const range = max - min;
  const rgb = new Uint8Array(height * width * 3);
  for (let p = 0; p < height * width; p++) {
    const v = maps[p * channels + channel]!;
    // Each map is scaled to its own range, as plt.imshow does; a constant map has range 0 and is drawn at the low end.
    const c = Number.isFinite(v) ? viridis(range > 0 ? (v - min) / range : 0) : [NON_FINITE_GREY, NON_FINITE_GREY, NON_FINITE_GREY];
    rgb.set(c, p * 3);
  }
  const stats: FeatureMapStats = {
    channel,
    min: finite ? min : null,
    max: finite ? max : null,
    mean: finite ? sum / finite : null,
    constant: finite > 0 && range === 0,
    nonFinite: height * width - finite,
  };
  return { img: { width, height, rgb }, stats };
}

function validate(input: FeatureMapsInput): void {
  if (typeof input !== 'object' || input === null) throw new PlotInputError('input', `expected an object, got ${describe(input)}`);
  if (typeof input.layerName !== 'string') throw new PlotInputError('layerName', `expected a string, got ${describe(input.layerName)}`);
  requirePositiveInt(input.height, 'height');
  requirePositiveInt(input.width, 'width');
  requirePositiveInt(input.channels, 'channels');
  if (!(input.maps instanceof Float32Array || input.maps instanceof Float64Array)) {
    throw new PlotInputError('maps', `expected a Float32Array, got ${describe(input.maps)}`);
  }
  const expected = input.height * input.width * input.channels;
  if (input.maps.length !== expected) {
    throw new PlotInputError(
      'maps',
      `expected height×width×channels = ${input.height}×${input.width}×${input.channels} = ${expected} values, got ${input.maps.length}`,
    );
  }
  if (input.image !== undefined) {
    const bytes = requireBytes(input.image, 'image');
    const h = requirePositiveInt(input.imageHeight ?? 32, 'imageHeight');
    const w = requirePositiveInt(input.imageWidth ?? 32, 'imageWidth');
    if (bytes.length !== h * w * 3) throw new PlotInputError('image', `expected ${h}×${w}×3 = ${h * w * 3} bytes, got ${bytes.length}`);
  }
}

/** Per-channel activation maps of one conv layer for one image, 8 to a row, each labelled "Filter i" (the lesson's model3 figures). */
export function featureMapsPlot(input: FeatureMapsInput): PlotResult<FeatureMapsData> {
  validate(input);
  const shown = Math.min(input.channels, MAX_SHOWN);
  const rows = Math.ceil(shown / COLUMNS);
  const headerHeight = input.image ? 100 : 78;
  const rowHeight = TILE + LABEL_HEIGHT + 6;
  const width = SIDE * 2 + COLUMNS * COLUMN_WIDTH;
  const height = headerHeight + rows * rowHeight + 8;
  const parts: string[] = [];
  let inputBox: Box | null = null;
  const textLeft = input.image ? SIDE + 90 : SIDE;
  const textWidthMax = width - textLeft - SIDE;
  const titleX = input.image ? textLeft : width / 2;
  const anchor = input.image ? 'start' : 'middle';
  if (input.image) {
    inputBox = { x: SIDE, y: 14, width: 72, height: 72 };
    const img = { width: input.imageWidth ?? 32, height: input.imageHeight ?? 32, rgb: input.image };
    parts.push(image(inputBox.x, inputBox.y, inputBox.width, inputBox.height, rgbToDataUri(img, inputBox.width, inputBox.height)));
    parts.push(rect(inputBox.x - 0.5, inputBox.y - 0.5, inputBox.width + 1, inputBox.height + 1, { fill: 'none', stroke: '#999999' }));
  }
  parts.push(
    text(titleX, 36, fitText(`Feature maps of layer ${input.layerName || '(unnamed)'}`, 18, textWidthMax, true), { anchor, size: 18, weight: 'bold' }),
  );
  const more = input.channels > shown ? `, showing the first ${shown}` : '';
  parts.push(
    text(
      titleX,
      60,
      fitText(
        `${input.channels} filters, each ${input.height}×${input.width}${more}; each map scaled to its own range (dark = low, yellow = high)`,
        12,
        textWidthMax,
      ),
      {
        anchor,
        size: 12,
        fill: '#555555',
      },
    ),
  );
  const maps: FeatureMapStats[] = [];
  const tiles: Box[] = [];
  for (let c = 0; c < shown; c++) {
    const { img, stats } = channelImage(input, c);
    maps.push(stats);
    const box = {
      x: SIDE + (c % COLUMNS) * COLUMN_WIDTH + (COLUMN_WIDTH - TILE) / 2,
      y: headerHeight + Math.floor(c / COLUMNS) * rowHeight,
      width: TILE,
      height: TILE,
    };
    tiles.push(box);
    parts.push(image(box.x, box.y, box.width, box.height, rgbToDataUri(img, TILE, TILE)));
    parts.push(text(box.x + TILE / 2, box.y + TILE + 16, `Filter ${c}`, { anchor: 'middle', size: 11 }));
  }
  return finish(svgDocument(width, height, parts.join('')), {
    layerName: input.layerName,
    height: input.height,
    width: input.width,
    channels: input.channels,
    shown,
    maps,
    layout: { width, height, columns: COLUMNS, tiles, input: inputBox },
  });
}
