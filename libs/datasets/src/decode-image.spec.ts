import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { IMAGE_BYTES } from './classes';
import { DatasetError } from './dataset-error';
import { decodeImageInto, imageFormatOf } from './decode-image';
import { encodeJpeg, encodePng, randomImages, uniformImage } from './testing/fixtures';

function decode(bytes: Uint8Array, format: 'jpeg' | 'png'): Uint8Array {
  const out = new Uint8Array(IMAGE_BYTES);
  decodeImageInto(bytes, format, 'train/cat/0001.x', out);
  return out;
}

describe('decodeImageInto', () => {
  it('decodes a PNG exactly into HWC RGB', () => {
    const { images } = randomImages(1, 5);
    expect(decode(encodePng(images), 'png')).toEqual(images);
  });

  it('decodes a JPEG into HWC RGB (within JPEG rounding)', () => {
    const rgb = uniformImage([200, 40, 90]);
    const out = decode(encodeJpeg(rgb), 'jpeg');
    for (let i = 0; i < out.length; i++) expect(Math.abs((out[i] as number) - (rgb[i] as number))).toBeLessThanOrEqual(3);
  });

  it('expands a grey PNG to RGB', () => {
    const png = new PNG({ width: 32, height: 32, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
    png.data = Buffer.alloc(32 * 32, 77);
    const out = decode(PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }), 'png');
    expect(out.every((v) => v === 77)).toBe(true);
  });

  it('rejects an image of the wrong size, naming the file', () => {
    const big = encodePng(uniformImage([1, 2, 3], 64, 48), 64, 48);
    expect(() => decode(big, 'png')).toThrow(DatasetError);
    expect(() => decode(big, 'png')).toThrow(/train\/cat\/0001\.x is 64x48 pixels; CIFAR-10 images must be 32x32[\s\S]*EPOCH_CIFAR10/);
  });

  it('rejects corrupt and truncated images', () => {
    const good = encodeJpeg(uniformImage([9, 9, 9]));
    expect(() => decode(good.subarray(0, good.length / 2), 'jpeg')).toThrow(/train\/cat\/0001\.x is not a readable JPEG image/);
    expect(() => decode(new TextEncoder().encode('hello'), 'jpeg')).toThrow(/not a readable JPEG/);
    expect(() => decode(new TextEncoder().encode('hello'), 'png')).toThrow(/not a readable PNG/);
  });

  it('recognises image files by extension and skips hidden files', () => {
    expect(imageFormatOf('0001.jpg')).toBe('jpeg');
    expect(imageFormatOf('A.JPEG')).toBe('jpeg');
    expect(imageFormatOf('x.png')).toBe('png');
    expect(imageFormatOf('._0001.jpg')).toBeNull();
    expect(imageFormatOf('notes.txt')).toBeNull();
  });
});
