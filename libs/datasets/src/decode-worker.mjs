// Worker thread of DecodePool: decodes a batch of images packed into one buffer and sends the pixels back.
import { parentPort } from 'node:worker_threads';
import { decodeRgbInto } from './decode-core.mjs';

const IMAGE_BYTES = 32 * 32 * 3;

parentPort.on('message', ({ id, buffer, offsets, formats }) => {
  const bytes = new Uint8Array(buffer);
  const count = offsets.length - 1;
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  for (let i = 0; i < count; i++) {
    const failure = decodeRgbInto(
      bytes.subarray(offsets[i], offsets[i + 1]),
      formats[i] === 1 ? 'png' : 'jpeg',
      pixels.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES),
    );
    if (failure) {
      parentPort.postMessage({ id, failure: { index: i, ...failure } });
      return;
    }
  }
  parentPort.postMessage({ id, pixels: pixels.buffer }, [pixels.buffer]);
});
