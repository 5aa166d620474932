/** Deterministic, realistic-looking synthetic inputs for samples and tests (not exported from the package). */
import { mulberry32 } from '@epoch/contracts';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

/** N 32×32 RGB images: a sky/ground gradient with a coloured blob whose hue depends on the label. */
export function fakeImages(labels: readonly number[], seed = 1): Uint8Array {
  const rand = mulberry32(seed);
  const out = new Uint8Array(labels.length * 32 * 32 * 3);
  labels.forEach((label, i) => {
    const cx = 10 + rand() * 12;
    const cy = 10 + rand() * 12;
    const r = 5 + rand() * 6;
    const hue = (label * 36 * Math.PI) / 180;
    const blob = [128 + 120 * Math.cos(hue), 128 + 120 * Math.cos(hue + 2.1), 128 + 120 * Math.cos(hue + 4.2)];
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const o = ((i * 32 + y) * 32 + x) * 3;
        const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
        const noise = (rand() - 0.5) * 30;
        const bg = y < 16 ? [110 + y * 4, 150 + y * 3, 220] : [90 + y, 120 + y, 60];
        const c = inside ? blob : bg;
        for (let k = 0; k < 3; k++) out[o + k] = Math.max(0, Math.min(255, Math.round(c[k]! + noise)));
      }
    }
  });
  return out;
}

export function fakeLabels(count: number, seed = 2): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () => Math.floor(rand() * 10));
}

/** Predictions that are right about 70% of the time, with a confidence per prediction. */
export function fakePredictions(actual: readonly number[], seed = 3): { predicted: number[]; confidence: number[] } {
  const rand = mulberry32(seed);
  const predicted = actual.map((a) => (rand() < 0.7 ? a : (a + 1 + Math.floor(rand() * 9)) % 10));
  const confidence = predicted.map(() => 0.3 + rand() * 0.69);
  return { predicted, confidence };
}

export function fakeHistory(epochs: number) {
  return Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    accuracy: 0.35 + 0.55 * (1 - Math.exp(-i / 4)),
    valAccuracy: 0.33 + 0.35 * (1 - Math.exp(-i / 3)) - i * 0.002,
    loss: 1.9 * Math.exp(-i / 5) + 0.25,
    valLoss: 1.9 * Math.exp(-i / 4) + 0.7 + i * 0.03,
  }));
}

/** Activations H×W×C that look like a conv layer's: smooth edges/blobs at per-channel orientations, ReLU'd. */
export function fakeFeatureMaps(height: number, width: number, channels: number, seed = 4): Float32Array {
  const rand = mulberry32(seed);
  const maps = new Float32Array(height * width * channels);
  for (let c = 0; c < channels; c++) {
    const angle = rand() * Math.PI;
    const freq = 0.15 + rand() * 0.5;
    const phase = rand() * 6;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = Math.sin((x * Math.cos(angle) + y * Math.sin(angle)) * freq + phase) + 0.3 * Math.cos(x * 0.3 - y * 0.2);
        maps[(y * width + x) * channels + c] = Math.max(0, v);
      }
    }
  }
  return maps;
}

export function fakeConfusionMatrix(seed = 5): number[][] {
  const rand = mulberry32(seed);
  return CIFAR10_CLASSES.map((_, i) => CIFAR10_CLASSES.map((__, j) => (i === j ? 600 + Math.floor(rand() * 300) : Math.floor(rand() * rand() * 90))));
}
