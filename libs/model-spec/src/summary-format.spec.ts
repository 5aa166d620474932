import { describe, expect, it } from 'vitest';
import { formatReport, formatSummaryTable } from './summary-format';
import { check, withLayers } from './test-helpers';

describe('formatSummaryTable / formatReport', () => {
  it("prints Keras's columns, shapes with None and thousands separators", () => {
    const r = check(withLayers("Input((32, 32, 3)), Conv2D(32, 3, padding='same'), BatchNormalization(), Flatten(), Dense(10)"));
    if (!r.summary) throw new Error('expected a summary');
    const table = formatSummaryTable(r.summary);
    expect(table).toContain('Model: "model"');
    expect(table).toMatch(/conv2d \(Conv2D\)\s+\(None, 32, 32, 32\)\s+896/);
    expect(table).toMatch(/batch_normalization \(BatchNormalization\)\s+\(None, 32, 32, 32\)\s+128/);
    expect(table).toMatch(/dense \(Dense\)\s+\(None, 10\)\s+327,690/);
    expect(table).toContain('Total params: 328,714');
    expect(table).toContain('Trainable params: 328,650');
    expect(table).toContain('Non-trainable params: 64');
  });

  it("states the model's training cost after its training settings", () => {
    const r = check(withLayers("Input((32, 32, 3)), Conv2D(32, 3, padding='same'), Flatten(), Dense(10)"));
    // 32·32·32·27 + 32,768 (Flatten) + 327,680 multiply-adds; 3 × 45,000 images × 5 epochs
    expect(formatReport(r)).toContain(
      'Cost: 1.2 M multiply-adds per image, 840.5 G to train (× 3 × 45,000 images × 5 epochs); 16.8 MiB of activations per batch of 64; 5.0 MiB of weights, gradients and optimizer state',
    );
  });

  it('lists errors and warnings with file:line:column, not info notes', () => {
    const r = check("model = Sequential([Dense(3)])\nmodel.compile('adam', 'mse', lr=1)\nprint(1)\n");
    const text = formatReport(r, 'sub.py');
    expect(text).toMatch(/sub\.py:2:30: error: model\.compile\(\) got an unexpected keyword argument 'lr'/);
    expect(text).not.toMatch(/Ignored/);
    expect(text).toMatch(/\d+ errors?$/);
  });
});
