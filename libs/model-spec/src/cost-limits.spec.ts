import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_LIMITS, MODEL3_TRAINING_MACS, modelRulesFromPolicy, ZGradingPolicy } from '@epoch/contracts';
import { describe, expect, it } from 'vitest';
import { checkSource } from './check-source';
import { LESSON_FIXTURES, type TLessonFixture } from './fixtures';
import { checkModelRules } from './rules-check';
import { diags } from './test-helpers';

const lesson = (f: TLessonFixture) => readFileSync(fileURLToPath(LESSON_FIXTURES[f]), 'utf8');
/** The model3 exercise's policy, as the API and the grader use it. */
const model3Rules = modelRulesFromPolicy(ZGradingPolicy.parse({ minTestAccuracy: 0.7, requiredEpochs: 30, maxEpochs: 30 }));

/** A model3-style submission whose convolution blocks are replaced by `convs`. */
const cnn = (convs: string, epochs = 30) =>
  `model = Sequential([\n    Input((32, 32, 3)),\n${convs}    Flatten(),\n    Dense(10, activation='softmax'),\n])\nmodel.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\nhistory = model.fit(train_data, validation_data=validation_data, epochs=${epochs})\n`;

describe('cost limits', () => {
  it('the defaults let the three lesson models through with a wide margin', () => {
    const m3 = checkSource(lesson('model3'), { rules: model3Rules });
    expect(m3.ok).toBe(true);
    expect(m3.cost).toEqual({
      forwardMacs: 4_536_000,
      trainingMacs: MODEL3_TRAINING_MACS,
      trainImages: 45_000,
      batchSize: 64,
      // the input and every layer's output (60,554 + 3,072 values per image), float32, for a batch of 64
      activationBytes: (3072 + 32768 + 8192 + 8192 + 2048 + 4096 + 1024 + 1024 + 64 + 64 + 10) * 64 * 4,
      // weights, gradients and Adam's two moments
      paramBytes: 94_890 * 4 * 4,
    });
    expect(DEFAULT_MODEL_LIMITS.maxTrainingMacs / MODEL3_TRAINING_MACS).toBeGreaterThan(19);
    expect(DEFAULT_MODEL_LIMITS.maxTrainingMacs / MODEL3_TRAINING_MACS).toBeLessThanOrEqual(20);
    for (const f of ['denseNetwork', 'firstCnn'] as const) {
      const r = checkSource(lesson(f), { rules: modelRulesFromPolicy(ZGradingPolicy.parse({ minTestAccuracy: 0.3, requiredEpochs: 10 })) });
      expect(r.errors).toEqual([]);
      expect(r.cost?.trainingMacs).toBeLessThan(DEFAULT_MODEL_LIMITS.maxTrainingMacs / 10);
      expect(r.cost?.activationBytes).toBeLessThan((DEFAULT_MODEL_LIMITS.maxActivationMiB * 1024 * 1024) / 10);
      expect(r.cost?.paramBytes).toBeLessThan((DEFAULT_MODEL_LIMITS.maxParamMiB * 1024 * 1024) / 10);
    }
  });

  it('refuses 4 × Conv2D(64, 31×31) (12.3 G multiply-adds per image), at the layer that costs most', () => {
    const src = cnn("    Conv2D(64, (31, 31), padding='same'),\n".repeat(4));
    const r = checkSource(src, { rules: model3Rules });
    expect(r.model?.totalParams).toBeLessThan(20_000_000);
    const e = diags(r, 'rule-max-training-work');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ line: 4, column: 5 });
    expect(e[0]?.message).toBe(
      'Training this model is too much work: layer conv2d_1 (Conv2D 64, 31×31) needs 4.0 G multiply-adds per image; the whole model needs 12.3 G, the limit for this exercise is 88.9 M (30 epochs of 45,000 images). Use fewer or smaller filters, or downsample (pooling, strides) earlier.',
    );
  });

  it('refuses 97 × Conv2D(128) (14.5 G multiply-adds per image) under the layer and parameter limits', () => {
    const src = cnn(`    Conv2D(128, 3, padding='same'),\n`.repeat(97));
    const r = checkSource(src, { rules: model3Rules });
    expect(r.model?.totalParams).toBeLessThan(20_000_000);
    expect(r.model?.layers.length).toBeLessThanOrEqual(100);
    expect(r.errors.map((e) => e.message)).toEqual([
      // 97 outputs of 32×32×128 values for a batch of 64 are 3.1 GiB too
      expect.stringMatching(
        /^One training batch needs too much memory: layer conv2d \(Conv2D 128, 3×3\) outputs 32×32×128 values per image, 32\.0 MiB for a batch of 64; the whole model needs 3\.1 GiB per batch/,
      ),
      expect.stringMatching(
        /^Training this model is too much work: layer conv2d_1 \(Conv2D 128, 3×3\) needs 151\.0 M multiply-adds per image; the whole model needs 14\.5 G/,
      ),
    ]);
  });

  it('refuses ZeroPadding2D(1000) and ZeroPadding2D(100000) for their activation memory, at the padding', () => {
    const r = checkSource(cnn('    ZeroPadding2D(1000),\n    MaxPooling2D(64),\n'), { rules: model3Rules });
    const e = diags(r, 'rule-max-activation-memory')[0];
    expect(e).toMatchObject({ line: 3, column: 5 });
    expect(e?.message).toMatch(
      /^One training batch needs too much memory: layer zero_padding2d \(ZeroPadding2D 1000\) outputs 2,032×2,032×3 values per image, 3\.0 GiB for a batch of 64; the whole model needs 3\.0 GiB per batch, the limit for this exercise is 1\.0 GiB/,
    );
    const huge = checkSource(cnn('    ZeroPadding2D(100000),\n    GlobalMaxPooling2D(),\n'), { rules: model3Rules });
    expect(diags(huge, 'rule-max-activation-memory')[0]?.message).toMatch(/outputs 200,032×200,032×3 values per image, 27\.9 TiB for a batch of 64/);
    expect(huge.ok).toBe(false);
  });

  it('refuses a model whose weights with Adam state exceed the parameter memory, at the biggest layer', () => {
    const r = checkSource(cnn("    Conv2D(8, 3, padding='same'),\n"), { rules: { ...model3Rules, maxParamMiB: 1 } });
    expect(diags(r, 'rule-max-param-memory')[0]?.message).toBe(
      "The model's weights need too much memory: layer dense (Dense 10) holds 81,930 parameters, 1.3 MiB with their gradients and the optimizer's state; the whole model needs 1.3 MiB, the limit for this exercise is 1.0 MiB.",
    );
  });

  it('the training work uses the exercise data limit and the epochs; no fit yet: no work check', () => {
    const src = cnn("    Conv2D(64, (31, 31), padding='same'),\n".repeat(4));
    expect(checkSource(src, { rules: { ...model3Rules, trainImages: 100 } }).errors).toEqual([]);
    const noFit = src.replace(/history = .*\n/, '');
    expect(diags(checkSource(noFit), 'rule-max-training-work')).toEqual([]);
  });

  it('the same check on a spec gives the same messages (what the grader runs)', () => {
    const src = cnn("    Conv2D(64, (31, 31), padding='same'),\n".repeat(4));
    const { spec } = checkSource(src);
    if (!spec) throw new Error('no spec');
    const { violations } = checkModelRules(spec, model3Rules);
    expect(violations.map((v) => v.message)).toEqual(diags(checkSource(src, { rules: model3Rules }), 'rule-max-training-work').map((d) => d.message));
    expect(violations[0]?.site).toEqual({ kind: 'layer', index: 1 });
  });
});
