import { PlotInputError } from './errors';
import { rgbToDataUri, type RgbImage } from './raster';
import { image, rect, svgDocument, text } from './svg';
import { fitText, textWidth } from './text-metrics';
import { requireBytes, requirePositiveInt } from './validate';

/** matplotlib's named colours 'green' and 'red', which the lesson uses for right and wrong captions. */
export const GREEN = '#008000';
export const CAPTION_RED = '#ff0000';
export const CAPTION_BLACK = '#222222';

export interface CaptionLine {
  text: string;
  color: string;
}

export interface Tile {
  image: RgbImage;
  /** One caption; split over two lines at `breakAt` when it does not fit on one. */
  caption: { parts: [string, string?]; color: string };
  /** Extra smaller grey-ish line under the caption (e.g. confidence). */
  detail?: CaptionLine;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TileBoxes {
  image: Box;
  caption: Box;
}

export interface TileGridLayout {
  width: number;
  height: number;
  columns: number;
  rows: number;
  tiles: TileBoxes[];
}

const COLUMNS = 5;
const COLUMN_WIDTH = 172;
const SIDE = 20;
const TITLE_HEIGHT = 56;
const CAPTION_SIZE = 12;
const CAPTION_LINE = 15;
const ROW_GAP = 14;
export const TILE_IMAGE_SIZE = 96;

export interface ImageSize {
  /** Pixels per image side; CIFAR-10 is 32×32 (the default). */
  imageHeight?: number;
  imageWidth?: number;
}

/** Splits an N×H×W×3 HWC RGB buffer into images, checking its length against `expectedCount` when given. */
export function splitImages(value: unknown, argument: string, size: ImageSize, expectedCount?: number): RgbImage[] {
  const bytes = requireBytes(value, argument);
  const height = requirePositiveInt(size.imageHeight ?? 32, 'imageHeight');
  const width = requirePositiveInt(size.imageWidth ?? 32, 'imageWidth');
  const per = height * width * 3;
  if (bytes.length % per !== 0) {
    throw new PlotInputError(argument, `expected N×${height}×${width}×3 bytes (a multiple of ${per}), got ${bytes.length}`);
  }
  const count = bytes.length / per;
  if (expectedCount !== undefined && count !== expectedCount) {
    throw new PlotInputError(argument, `holds ${count} images of ${height}×${width}×3 but ${expectedCount} labels were given`);
  }
  return Array.from({ length: count }, (_, i) => ({ width, height, rgb: bytes.subarray(i * per, (i + 1) * per) }));
}

/** A captioned grid of small images, five to a row, like the lesson's `plt.subplot(5, 5, i + 1)` figures. */
export function tileGrid(title: string, tiles: Tile[], emptyMessage: string): { svg: string; layout: TileGridLayout } {
  const maxText = COLUMN_WIDTH - 8;
  const captions: CaptionLine[][] = tiles.map((tile) => {
    const [first, second] = tile.caption.parts;
    const oneLine = second === undefined ? first : `${first} ${second}`;
    const lines = textWidth(oneLine, CAPTION_SIZE) <= maxText ? [oneLine] : [first, second ?? ''].filter((l) => l !== '');
    const all = lines.map((l) => ({ text: fitText(l, CAPTION_SIZE, maxText), color: tile.caption.color }));
    return tile.detail ? [...all, { ...tile.detail, text: fitText(tile.detail.text, CAPTION_SIZE, maxText) }] : all;
  });
  // Every row gets room for the longest caption, so images stay aligned in rows.
  const captionHeight = CAPTION_LINE * Math.max(1, ...captions.map((c) => c.length)) + 4;
  const rowHeight = captionHeight + TILE_IMAGE_SIZE + ROW_GAP;
  const rows = Math.ceil(tiles.length / COLUMNS);
  const width = SIDE * 2 + COLUMNS * COLUMN_WIDTH;
  const height = TITLE_HEIGHT + Math.max(1, rows) * rowHeight + 10;
  const parts = [text(width / 2, 34, title, { anchor: 'middle', size: 18, weight: 'bold' })];
  const boxes: TileBoxes[] = tiles.map((tile, i) => {
    const cx = SIDE + (i % COLUMNS) * COLUMN_WIDTH + COLUMN_WIDTH / 2;
    const top = TITLE_HEIGHT + Math.floor(i / COLUMNS) * rowHeight;
    const lines = captions[i]!;
    // Captions sit right above their image, as matplotlib titles do.
    const firstBaseline = top + captionHeight - (lines.length - 1) * CAPTION_LINE - 4;
    lines.forEach((l, k) => {
      parts.push(text(cx, firstBaseline + k * CAPTION_LINE, l.text, { anchor: 'middle', size: CAPTION_SIZE, fill: l.color }));
    });
    const imageBox = { x: cx - TILE_IMAGE_SIZE / 2, y: top + captionHeight, width: TILE_IMAGE_SIZE, height: TILE_IMAGE_SIZE };
    parts.push(image(imageBox.x, imageBox.y, imageBox.width, imageBox.height, rgbToDataUri(tile.image, TILE_IMAGE_SIZE, TILE_IMAGE_SIZE)));
    parts.push(rect(imageBox.x - 0.5, imageBox.y - 0.5, imageBox.width + 1, imageBox.height + 1, { fill: 'none', stroke: '#999999', 'stroke-width': 1 }));
    return { image: imageBox, caption: { x: cx - maxText / 2, y: top, width: maxText, height: captionHeight } };
  });
  if (!tiles.length)
    parts.push(text(width / 2, TITLE_HEIGHT + rowHeight / 2, emptyMessage, { anchor: 'middle', baseline: 'middle', size: 16, fill: '#666666' }));
  return { svg: svgDocument(width, height, parts.join('')), layout: { width, height, columns: COLUMNS, rows, tiles: boxes } };
}
