import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZCheckResult } from '@epoch/contracts';
import { LESSON_FIXTURES } from '@epoch/model-spec/fixtures';
import { describe, expect, it } from 'vitest';
import { runCheckCommand } from './check.command';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}

const dir = mkdtempSync(join(tmpdir(), 'epoch-check-'));
const model3 = fileURLToPath(LESSON_FIXTURES.model3);

describe('./epoch check', () => {
  it('--json prints exactly one JSON object and exits 0 for the lesson solution', async () => {
    const c = capture();
    expect(await runCheckCommand({ file: model3, json: true }, c.io)).toBe(0);
    expect(c.out).toHaveLength(1);
    expect(c.err).toEqual([]);
    const parsed = ZCheckResult.parse(JSON.parse(c.out[0] ?? ''));
    expect(Object.keys(JSON.parse(c.out[0] ?? ''))).toEqual(['ok', 'errors', 'warnings', 'model', 'training', 'hash', 'cost']);
    expect(parsed).toMatchObject({ ok: true, model: { totalParams: 94_890 }, training: { epochs: 30, optimizer: 'adam' } });
    // model3's training cost as the cost limits measure it
    expect(parsed.cost).toMatchObject({ forwardMacs: 4_536_000, trainingMacs: 4_536_000 * 3 * 45_000 * 30, trainImages: 45_000, batchSize: 64 });
  });

  it('exits 1 with the errors when the rules are broken', async () => {
    const c = capture();
    expect(await runCheckCommand({ file: model3, json: true, rules: { requiredEpochs: 10 } }, c.io)).toBe(1);
    const parsed = ZCheckResult.parse(JSON.parse(c.out[0] ?? ''));
    expect(parsed.ok).toBe(false);
    expect(parsed.errors[0]?.message).toBe('This exercise trains for exactly 10 epochs, but fit() asks for 30.');
  });

  it('without --json prints the summary table for a person', async () => {
    const c = capture();
    expect(await runCheckCommand({ file: model3, json: false }, c.io)).toBe(0);
    const text = c.out.join('\n');
    expect(text).toContain('Model: "model3"');
    expect(text).toMatch(/conv2d_2 \(Conv2D\)\s+\(None, 8, 8, 64\)\s+18,496/);
    expect(text).toContain('Total params: 94,890');
    expect(text).toContain(
      'Cost: 4.5 M multiply-adds per image, 18.4 T to train (× 3 × 45,000 images × 30 epochs); 14.8 MiB of activations per batch of 64; 1.4 MiB of weights, gradients and optimizer state',
    );
  });

  it('refuses a model over a cost limit at the layer that costs most', async () => {
    const file = join(dir, 'costly.py');
    writeFileSync(
      file,
      `model = Sequential([Input((32, 32, 3)), ${"Conv2D(64, (31, 31), padding='same'), ".repeat(4)}Flatten(), Dense(10, activation='softmax')])
model.compile('adam', 'categorical_crossentropy')
model.fit(train_data, epochs=30)
`,
    );
    const c = capture();
    expect(await runCheckCommand({ file, json: false }, c.io)).toBe(1);
    expect(c.out.join('\n')).toContain(
      `${file}:1:79: error: Training this model is too much work: layer conv2d_1 (Conv2D 64, 31×31) needs 4.0 G multiply-adds per image`,
    );
  });

  it('prints errors with file:line:column and exits 1', async () => {
    const file = join(dir, 'bad.py');
    writeFileSync(file, "model = Sequential([Input((32, 32, 3)), Conv2D(8, 3, padding='sideways')])\n");
    const c = capture();
    expect(await runCheckCommand({ file, json: false }, c.io)).toBe(1);
    expect(c.out.join('\n')).toContain(`${file}:1:62: error: Conv2D(): padding='sideways' is not supported`);
  });

  it('a missing or oversized file is still one JSON object, exit 1', async () => {
    const c = capture();
    expect(await runCheckCommand({ file: join(dir, 'nope.py'), json: true }, c.io)).toBe(1);
    expect(ZCheckResult.parse(JSON.parse(c.out[0] ?? '')).errors[0]?.message).toMatch(/nope\.py: no such file/);
    const big = join(dir, 'big.py');
    writeFileSync(big, '#'.repeat(70_000));
    const d = capture();
    expect(await runCheckCommand({ file: big, json: true }, d.io)).toBe(1);
    expect(ZCheckResult.parse(JSON.parse(d.out[0] ?? '')).errors[0]?.message).toBe('The source is 70,000 bytes; the limit is 65,536 bytes (64 KiB).');
    const e = capture();
    expect(await runCheckCommand({ file: dir, json: false }, e.io)).toBe(1);
    expect(e.err[0]).toMatch(/not a regular file/);
  });
});
