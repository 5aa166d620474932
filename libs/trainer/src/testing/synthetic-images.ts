import type { TImageSet } from '../train/image-batches';
import { randomFloats } from './compare-backends';

/**
 * A learnable toy dataset: each class has its own mean colour per quadrant, plus noise. A tiny CNN separates most
 * classes within a couple of epochs.
 */
export function syntheticImages(count: number, seed: number, size = 8, classes = 10): TImageSet {
  const per = size * size * 3;
  const noise = randomFloats(count * per, seed, -40, 40);
  const images = new Uint8Array(count * per);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    labels[i] = label;
    for (let h = 0; h < size; h++) {
      for (let w = 0; w < size; w++) {
        const quadrant = (h < size / 2 ? 0 : 2) + (w < size / 2 ? 0 : 1);
        for (let c = 0; c < 3; c++) {
          const base = ((label * 37 + quadrant * 71 + c * 113) % 200) + 28;
          const k = i * per + (h * size + w) * 3 + c;
          images[k] = Math.max(0, Math.min(255, Math.round(base + noise[k])));
        }
      }
    }
  }
  return { images, labels, count, height: size, width: size, channels: 3 };
}
