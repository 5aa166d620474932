import { PNG } from 'pngjs';

/** An RGB (HWC, 3 bytes per pixel) image, or a 2-D field already mapped to colours. */
export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, row-major. */
  rgb: Uint8Array;
}

/**
 * Nearest-neighbour upscale to exactly outWidth × outHeight, then PNG as a data URI.
 * Scaling here (not in the SVG renderer) keeps pixels crisp in every SVG viewer, like matplotlib's imshow of a tiny image.
 */
export function rgbToDataUri(img: RgbImage, outWidth: number, outHeight: number): string {
  const png = new PNG({ width: outWidth, height: outHeight });
  for (let y = 0; y < outHeight; y++) {
    const sy = Math.min(img.height - 1, Math.floor((y * img.height) / outHeight));
    for (let x = 0; x < outWidth; x++) {
      const sx = Math.min(img.width - 1, Math.floor((x * img.width) / outWidth));
      const s = (sy * img.width + sx) * 3;
      const d = (y * outWidth + x) * 4;
      png.data[d] = img.rgb[s]!;
      png.data[d + 1] = img.rgb[s + 1]!;
      png.data[d + 2] = img.rgb[s + 2]!;
      png.data[d + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}
