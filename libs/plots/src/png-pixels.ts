import { PNG } from 'pngjs';

/** Decoded PNG with pixel access, for asserting what a figure really shows. */
export interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): [number, number, number];
  /** Pixels in the box [x, x+w) × [y, y+h) that satisfy `test`. */
  count(box: { x: number; y: number; width: number; height: number }, test: (rgb: [number, number, number]) => boolean): number;
}

export function decodePng(png: Uint8Array): Pixels {
  const image = PNG.sync.read(Buffer.from(png));
  const at = (x: number, y: number): [number, number, number] => {
    const i = (Math.round(y) * image.width + Math.round(x)) * 4;
    return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
  };
  return {
    width: image.width,
    height: image.height,
    at,
    count(box, test) {
      let hits = 0;
      for (let y = Math.max(0, Math.floor(box.y)); y < Math.min(image.height, box.y + box.height); y++) {
        for (let x = Math.max(0, Math.floor(box.x)); x < Math.min(image.width, box.x + box.width); x++) if (test(at(x, y))) hits++;
      }
      return hits;
    },
  };
}

export const isWhite = ([r, g, b]: [number, number, number]) => r === 255 && g === 255 && b === 255;
export const isRed = ([r, g, b]: [number, number, number]) => r > 200 && g < 70 && b < 70;
export const isBlue = ([r, g, b]: [number, number, number]) => b > 200 && r < 70 && g < 70;
export const isGreen = ([r, g, b]: [number, number, number]) => g > 90 && r < 60 && b < 60;
