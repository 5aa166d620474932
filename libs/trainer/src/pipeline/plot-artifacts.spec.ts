import { describe, expect, it } from 'vitest';
import type { TEvaluation } from '../evaluate/evaluate';
import type { TImageSet } from '../train/image-batches';
import { renderPlotArtifacts } from './plot-artifacts';

const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function testSet(count: number): TImageSet {
  const images = new Uint8Array(count * 32 * 32 * 3).map((_, i) => (i * 7) % 256);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count, height: 32, width: 32, channels: 3 };
}

function evaluation(set: TImageSet): TEvaluation {
  const predictions = Array.from({ length: set.count }, (_, index) => {
    const label = set.labels[index]!;
    const predicted = index % 3 === 0 ? (label + 1) % 10 : label;
    const probabilities = Array.from({ length: 10 }, (_, c) => (c === predicted ? 0.5 + (index % 5) / 10 : 0.02));
    return { index, label, predicted, probabilities };
  });
  const confusionMatrix = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  for (const p of predictions) confusionMatrix[p.label]![p.predicted]!++;
  const correct = predictions.filter((p) => p.label === p.predicted).length;
  return { count: set.count, testLoss: 1.5, testAccuracy: correct / set.count, perClassAccuracy: new Array(10).fill(0.5), confusionMatrix, predictions };
}

describe('renderPlotArtifacts', () => {
  it('renders every plot as PNG with its data as JSON, one feature-map figure per convolution layer', () => {
    const set = testSet(40);
    const files = renderPlotArtifacts({
      history: [
        { epoch: 1, loss: 2, accuracy: 0.2, valLoss: 1.9, valAccuracy: 0.25, seconds: 1, etaSeconds: 1 },
        { epoch: 2, loss: 1.5, accuracy: 0.4, valLoss: 1.7, valAccuracy: 0.35, seconds: 1, etaSeconds: 0 },
      ],
      evaluation: evaluation(set),
      test: set,
      classNames: CLASSES,
      featureImage: 0,
      featureMaps: [{ layerIndex: 0, layerName: 'conv2d', shape: [30, 30, 4], values: new Float32Array(30 * 30 * 4).map((_, i) => i % 13) }],
    });
    expect(files.map((f) => f.name).sort()).toEqual([
      'accuracy.png',
      'confusion-matrix.json',
      'confusion-matrix.png',
      'feature-maps-00-conv2d.json',
      'feature-maps-00-conv2d.png',
      'loss.png',
      'mistakes.json',
      'mistakes.png',
      'predictions.json',
      'predictions.png',
    ]);
    for (const f of files.filter((x) => x.contentType === 'image/png')) expect(Array.from(f.bytes.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    const data = (name: string) => JSON.parse(new TextDecoder().decode(files.find((f) => f.name === name)!.bytes)) as Record<string, unknown>;
    expect(data('predictions.json')).toMatchObject({ shown: 25, testIndices: Array.from({ length: 25 }, (_, i) => i) });
    const mistakes = data('mistakes.json') as { total: number; mistakes: number; tiles: { index: number; confidence: number }[] };
    expect([mistakes.total, mistakes.mistakes]).toEqual([40, 14]);
    expect(mistakes.tiles.every((t) => t.index % 3 === 0)).toBe(true);
    expect(mistakes.tiles.map((t) => t.confidence)).toEqual([...mistakes.tiles.map((t) => t.confidence)].sort((a, b) => b - a));
    expect(data('feature-maps-00-conv2d.json')).toMatchObject({ layerName: 'conv2d', channels: 4, layerIndex: 0, testIndex: 0 });
    expect(files.find((f) => f.name === 'confusion-matrix.png')!.kind).toBe('CONFUSION_MATRIX');
  });
});
