// Plain JavaScript on purpose: the decode workers run it with bare Node (no TypeScript loader in worker threads),
// and decode-image.ts imports the same function so the main thread and the workers decode identically.
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

const WIDTH = 32;
const HEIGHT = 32;

/**
 * Decodes a JPEG ('jpeg') or PNG ('png') into `out` (32*32*3 bytes, HWC RGB; grey expanded, alpha dropped).
 * Returns null on success, { message } when the bytes are not a readable image, or { width, height } when the
 * image is not 32x32.
 */
export function decodeRgbInto(bytes, format, out) {
  let width;
  let height;
  let data;
  let channels;
  try {
    if (format === 'jpeg') {
      // tolerantDecoding off: a truncated JPEG must fail instead of decoding into grey pixels.
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: 1, maxMemoryUsageInMB: 64 });
      ({ width, height, data } = img);
      channels = 3;
    } else {
      const img = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height, data } = img);
      channels = 4;
    }
  } catch (error) {
    return { message: error instanceof Error ? error.message : String(error) };
  }
  if (width !== WIDTH || height !== HEIGHT) return { width, height };
  if (data.length !== width * height * channels) return { message: `decoded to ${data.length} bytes instead of ${width * height * channels}` };
  if (channels === 3) {
    out.set(data);
    return null;
  }
  for (let p = 0, q = 0; p < width * height; p++, q += 4) {
    out[p * 3] = data[q];
    out[p * 3 + 1] = data[q + 1];
    out[p * 3 + 2] = data[q + 2];
  }
  return null;
}
