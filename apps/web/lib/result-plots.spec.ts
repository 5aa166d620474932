import { describe, expect, it } from 'vitest';
import { featureMapLayer, resultPlots, SECTIONS, weightFiles } from './result-plots';

const art = (name: string, kind: string, contentType = 'image/png') => ({ name, kind, contentType, url: `/api/submissions/s/artifacts/${name}` });
// As the API lists them: by name.
const artifacts = [
  art('accuracy.json', 'ACCURACY_PLOT', 'application/json'),
  art('accuracy.png', 'ACCURACY_PLOT'),
  art('confusion-matrix.png', 'CONFUSION_MATRIX'),
  art('feature-maps-00-conv2d.png', 'FEATURE_MAPS'),
  art('feature-maps-02-conv2d_1.png', 'FEATURE_MAPS'),
  art('loss.png', 'LOSS_PLOT'),
  art('mistakes.png', 'MISTAKES_GRID'),
  art('model.json', 'WEIGHTS', 'application/json'),
  art('predictions.png', 'PREDICTIONS_GRID'),
  art('weights.bin', 'WEIGHTS', 'application/octet-stream'),
];
const history = [
  { attempt: 1, epoch: 1, loss: 2, accuracy: 0.3, valLoss: 1.9, valAccuracy: 0.32, seconds: 1 },
  { attempt: 1, epoch: 2, loss: 1.5, accuracy: 0.5, valLoss: 1.6, valAccuracy: 0.45, seconds: 1 },
];

describe('resultPlots', () => {
  const plots = resultPlots(artifacts, history, [
    ['cat', 0.4],
    ['ship', 0.8],
  ]);

  it('puts the plots in the page order: curves, confusion, predictions, mistakes, feature maps (PNGs only)', () => {
    expect(plots.map((p) => p.name)).toEqual([
      'accuracy.png',
      'loss.png',
      'confusion-matrix.png',
      'predictions.png',
      'mistakes.png',
      'feature-maps-00-conv2d.png',
      'feature-maps-02-conv2d_1.png',
    ]);
    expect(SECTIONS.map((s) => s.id).slice(0, 6)).toEqual(['curves', 'per-class', 'confusion', 'predictions', 'mistakes', 'feature-maps']);
  });

  it('titles each plot in words and describes it in its alt text', () => {
    const by = Object.fromEntries(plots.map((p) => [p.name, p]));
    expect(by['feature-maps-02-conv2d_1.png']!.title).toBe('Feature maps of conv2d_1');
    expect(by['feature-maps-02-conv2d_1.png']!.alt).toMatch(/^The feature maps of convolution layer conv2d_1 for one test image/);
    expect(by['accuracy.png']!.alt).toBe(
      'Line chart of accuracy per epoch over 2 epochs: training accuracy as red dots, validation accuracy as a blue line. After the last epoch: 50.0% on the training data and 45.0% on the validation data.',
    );
    expect(by['confusion-matrix.png']!.alt).toMatch(/Best recognised: ship \(80\.0%\); least: cat \(40\.0%\)\.$/);
    expect(by['predictions.png']!.alt).toMatch(/predicted class \(P\) and the actual class \(A\), green when the prediction is right and red/);
    for (const p of plots) expect(p.alt.length).toBeGreaterThan(40);
  });

  it('keeps an unknown kind of plot, in a last section', () => {
    expect(resultPlots([art('extra_plot.png', 'SOMETHING')], [], [])).toEqual([
      { name: 'extra_plot.png', url: '/api/submissions/s/artifacts/extra_plot.png', section: 'other', title: 'extra plot', alt: 'Plot: extra plot' },
    ]);
  });
});

describe('featureMapLayer', () => {
  it('reads the layer from the file name', () => {
    expect(featureMapLayer('feature-maps-04-conv2d_2.png')).toBe('conv2d_2');
    expect(featureMapLayer('accuracy.png')).toBeNull();
  });
});

describe('weightFiles', () => {
  it('offers the tfjs model files, model.json first', () => {
    expect(weightFiles(artifacts).map((a) => a.name)).toEqual(['model.json', 'weights.bin']);
    expect(weightFiles([art('accuracy.png', 'ACCURACY_PLOT')])).toEqual([]);
  });
});
