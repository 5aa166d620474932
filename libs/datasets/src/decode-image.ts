import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from './classes';
import { decodeRgbInto, type TDecodeFailure } from './decode-core.mjs';
import { DatasetError } from './dataset-error';

export type TImageFormat = 'jpeg' | 'png';

/** The image format from a file name, or null for files that are not CIFAR-10 images (README, .DS_Store, ...). */
export function imageFormatOf(fileName: string): TImageFormat | null {
  if (fileName.startsWith('.')) return null; // macOS resource forks (._0001.jpg) and other hidden files
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.jpg') || lower.endsWith('.jpeg')) return 'jpeg';
  if (lower.endsWith('.png')) return 'png';
  return null;
}

/** The DatasetError for an image that failed to decode; `where` names the file. */
export function decodeFailureError(failure: TDecodeFailure, format: TImageFormat, where: string): DatasetError {
  if ('message' in failure) return new DatasetError(`${where} is not a readable ${format === 'jpeg' ? 'JPEG' : 'PNG'} image (${failure.message})`);
  return new DatasetError(`${where} is ${failure.width}x${failure.height} pixels; CIFAR-10 images must be ${IMAGE_WIDTH}x${IMAGE_HEIGHT}`);
}

/** Decodes one 32x32 JPEG or PNG into `out` (3072 bytes, HWC RGB) on this thread; throws a DatasetError. */
export function decodeImageInto(bytes: Uint8Array, format: TImageFormat, where: string, out: Uint8Array): void {
  if (out.length !== IMAGE_BYTES) throw new Error(`decodeImageInto: output must hold ${IMAGE_BYTES} bytes`);
  const failure = decodeRgbInto(bytes, format, out);
  if (failure) throw decodeFailureError(failure, format, where);
}
