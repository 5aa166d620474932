import { readdirSync, readFileSync } from 'node:fs';
import { modelRulesFromPolicy, ZGradingPolicy } from '@epoch/contracts';
import { describe, expect, it } from 'vitest';
import { checkSource } from './check-source';

/**
 * 40 CIFAR-10/MNIST model definitions adapted from public repositories (each file names its source), checked as
 * written. Every one is either accepted with Keras's own shapes and parameter counts (worked out by hand below:
 * Conv2D k×k×Cin×Cout + Cout, Dense in×out + out, BatchNormalization 4×C of which 2×C trainable), or refused for its
 * true reason at the line that has it.
 */
const dir = new URL('../fixtures/real-world/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');

/** A CIFAR-10 exercise as the API checks it: 32×32×3 in, 10 softmax classes out, the default cost limits. */
const exercise = modelRulesFromPolicy(ZGradingPolicy.parse({ minTestAccuracy: 0.5 }));

type TRefusal = { line: number; message: RegExp };
interface TCase {
  /** Accepted by `./epoch check` (no exercise): Keras's total parameters, and the last layer's output. */
  params?: number;
  output?: number[];
  /** Refused even without an exercise: the first error. */
  refused?: TRefusal;
  /** Against the CIFAR-10 exercise: 'ok', or its first error (e.g. an MNIST model's input shape). */
  exercise: 'ok' | TRefusal;
}

const mnistInput = (line: number): TRefusal => ({
  line,
  message: /^This exercise's images are \(32, 32, 3\), but the model's input shape is \(28, 28, 1\)\.$/,
});
const logits = (line: number): TRefusal => ({ line, message: /^The model's output must use the softmax activation, but it uses linear \(no activation\)\.$/ });

const CASES: Record<string, TCase> = {
  // conv 3→32 same 896; conv 32→32 valid 9,248 (30×30); pool 15×15; conv 32→64 same 18,496; conv 64→64 valid 36,928
  // (13×13); pool 6×6×64 = 2,304; Dense 2,304→512 1,180,160; Dense 512→10 5,130 = 1,250,858 (Keras's example says so)
  '01-keras-cifar10-cnn.py': { params: 1_250_858, output: [10], exercise: 'ok' },
  '02-keras2-cifar10-augmentation.py': { params: 1_250_858, output: [10], exercise: 'ok' },
  // conv 3→32 valid 896 (30×30); conv 32→64 valid 18,496 (28×28); pool 14×14×64 = 12,544; Dense →128 1,605,760;
  // Dense 128→10 1,290 = 1,626,442; only summarised, never trained
  '03-build-model-summary-only.py': {
    refused: { line: 17, message: /^model is never trained: add history = model\.fit\(/ },
    exercise: { line: 17, message: /never trained/ },
  },
  // Keras has binary_crossentropy; Epoch trains classifiers with a softmax output
  '04-binary-crossentropy-30-classes.py': {
    refused: { line: 30, message: /^compile\(\): loss 'binary_crossentropy' is not supported/ },
    exercise: { line: 29, message: /must use the softmax activation, but it uses sigmoid/ },
  },
  // conv 896 (30×30); conv 9,248 (28×28); pool 14×14; conv 32→64 18,496 (12×12); pool 6×6×64 = 2,304;
  // Dense →1024 2,360,320; Dense →10 10,250 = 2,399,210
  '05-keras2-paths-np-utils.py': { params: 2_399_210, output: [10], exercise: 'ok' },
  // conv 896; conv 9,248 (both same); pool 16×16×32 = 8,192; Dense →128 1,048,704; Dense →10 1,290 = 1,060,138
  '06-vgg1-he-uniform-sgd.py': { params: 1_060_138, output: [10], exercise: 'ok' },
  // convs 896 + 9,248 + 18,496 + 36,928 + 73,856 + 147,584; BN 128 + 128 + 256 + 256 + 512 + 512 + 512;
  // Dense 2,048→128 262,272; Dense →10 1,290 = 552,874
  '07-vgg3-batchnorm-dropout.py': { params: 552_874, output: [10], exercise: 'ok' },
  // convs 896 + 18,496 + 36,928 + 73,856 + 147,584 + 295,168; BN 128 + 256 + 256 + 512 + 512 + 1,024;
  // Dense 4,096→256 1,048,832; Dense →10 2,570 = 1,627,018
  '08-cifar-practice-he-normal.py': { params: 1_627_018, output: [10], exercise: 'ok' },
  // conv 1→32 320 (26×26); conv 32→64 18,496 (24×24); pool 12×12×64 = 9,216; Dense →128 1,179,776; Dense →10 1,290
  // = 1,199,882 (Keras's mnist_cnn example)
  '09-keras-mnist-cnn.py': { params: 1_199_882, output: [10], exercise: mnistInput(37) },
  '10-mnist-reshape-trailing-dot.py': { params: 1_199_882, output: [10], exercise: mnistInput(17) },
  // conv 320; pool 13×13; conv 18,496 (11×11); pool 5×5; conv 64→64 36,928 (3×3×64 = 576); Dense →64 36,928;
  // Dense →10 650 = 93,322 (Deep Learning with Python, 5.1)
  '11-dlwp-mnist-convnet.py': { params: 93_322, output: [10], exercise: mnistInput(8) },
  // conv 1→16 160; conv 16→32 4,640; conv 32→64 18,496 (22×22×64 = 30,976); Dense →512 15,860,224; Dense →10 5,130
  // = 15,888,650
  '12-mnist-three-convs-no-pooling.py': { params: 15_888_650, output: [10], exercise: mnistInput(5) },
  // conv 3→16 448; conv 16→32 4,640; conv 32→64 18,496 (all same); 180/8 = 22×22×64 = 30,976; Dense →128 3,965,056;
  // Dense →5 645 = 3,989,285 (TensorFlow's image classification tutorial)
  '13-tf-tutorial-augmentation-rescaling.py': {
    params: 3_989_285,
    output: [5],
    exercise: { line: 15, message: /^This exercise's images are \(32, 32, 3\), but the model's input shape is \(180, 180, 3\)\.$/ },
  },
  // conv 896; pool; conv 18,496; pool; conv 36,928 (4×4×64 = 1,024); Dense →64 65,600; Dense →10 650 = 122,570
  // (TensorFlow's CNN tutorial); logits out
  '14-tf-cnn-tutorial-logits.py': { params: 122_570, output: [10], exercise: logits(26) },
  // conv 320; pool 13×13; conv 18,496; pool 5×5×64 = 1,600; Dense →10 16,010 = 34,826 (keras.io)
  '15-keras-io-simple-mnist-convnet.py': { params: 34_826, output: [10], exercise: { line: 21, message: /input shape is \(28, 28, 1\)/ } },
  // Keras raises too: a 28×28×32 branch cannot be added to the 32×32×3 input
  '16-residual-shapes-do-not-add.py': {
    refused: { line: 18, message: /^Add 'add': its inputs have shapes \(None, 28, 28, 32\) and \(None, 32, 32, 3\)/ },
    exercise: { line: 18, message: /cannot be combined element by element/ },
  },
  // stem 432 + 64; stage 1: 3 × (2 × 2,304 + 2 × 64); stage 2: 4,608 + 9,216 + 512 (shortcut) + 3 × 128, then 2 ×
  // (2 × 9,216 + 2 × 128); stage 3: 18,432 + 36,864 + 2,048 + 3 × 256, then 2 × (2 × 36,864 + 2 × 256);
  // Dense 64→10 650 = 274,042 (1,568 non-trainable: the batch norms' moving statistics)
  '17-resnet20-functional.py': { params: 274_042, output: [10], exercise: 'ok' },
  // keras.io's toy ResNet: 223,242; logits out
  '18-keras-io-toy-resnet.py': { params: 223_242, output: [10], exercise: logits(20) },
  // conv 896; pool; conv 18,496; pool 8×8×64 = 4,096; Dense →64 262,208; Dense →10 650 = 282,250
  '19-augmentation-sequential-as-layer.py': { params: 282_250, output: [10], exercise: 'ok' },
  // (32 + 8) × (32 + 8), cropped back to 32×32; conv 896; pool; conv 18,496; GAP 64; Dense →10 650 = 20,042
  '20-cifar-augmentation-function.py': { params: 20_042, output: [10], exercise: 'ok' },
  // conv 896 (30×30); conv 9,248 (28×28); pool 14×14×32 = 6,272; Dense →128 802,944; Dense →10 1,290 = 814,378
  '21-categorical-accuracy-object.py': { params: 814_378, output: [10], exercise: 'ok' },
  // Sequential, Dense and Dropout are not imported, but the exercise's setup defines them (Keras would raise here);
  // conv 896; pool 15×15; conv 18,496 (13×13); pool 6×6×64 = 2,304; Dense →128 295,040; Dense →10 1,290 = 315,722
  '22-missing-imports.py': { params: 315_722, output: [10], exercise: 'ok' },
  // the model is built by another file: nothing to check, and the message says why
  '23-model-from-another-file.py': { refused: { line: 1, message: /^No model found/ }, exercise: { line: 1, message: /^No model found/ } },
  // conv 896; pool; conv 18,496; pool 6×6×64 = 2,304; Dense →64 147,520; Dense →10 650 = 167,562
  '24-late-imports-list-model.py': { params: 167_562, output: [10], exercise: 'ok' },
  // conv 896; pool 16×16×32 = 8,192; Dense →128 1,048,704; Dense →10 1,290 = 1,050,890
  '25-vgg1-dropout-zero-decay.py': { params: 1_050_890, output: [10], exercise: 'ok' },
  '26-lambda-layer-vgg.py': {
    refused: { line: 11, message: /^`Lambda` is not allowed: it runs arbitrary Python code/ },
    exercise: { line: 11, message: /Lambda/ },
  },
  '27-model-in-a-class.py': {
    refused: { line: 7, message: /^Keras layers or models created inside a class are not supported/ },
    exercise: { line: 7, message: /inside a class/ },
  },
  // convs without bias 14,710,464; batch norms 16,896; Dense 512→10 5,130 = 14,732,490: 313.9 M multiply-adds per
  // image, 50 epochs: over the training work limit, reported at the convolution that costs most
  '28-vgg16-config-loop.py': {
    refused: {
      line: 19,
      message: /^Training this model is too much work: layer conv2d_1 \(Conv2D 64, 3×3\) needs 37\.7 M multiply-adds per image; the whole model needs 313\.9 M/,
    },
    exercise: { line: 19, message: /too much work/ },
  },
  '29-subclassed-model.py': { refused: { line: 6, message: /inside a class are not supported/ }, exercise: { line: 6, message: /inside a class/ } },
  '30-lstm-on-mnist-rows.py': { refused: { line: 12, message: /^The layer LSTM is not supported by Epoch/ }, exercise: { line: 12, message: /LSTM/ } },
  '31-channels-first.py': {
    refused: { line: 17, message: /^Conv2D\(\): data_format='channels_first' is not supported/ },
    exercise: { line: 17, message: /channels_first/ },
  },
  // Flatten 784; Dense →128 100,480; Dense →10 1,290 = 101,770 (TensorFlow's basic classification tutorial)
  '32-fashion-mnist-dense.py': {
    params: 101_770,
    output: [10],
    exercise: { line: 15, message: /^This exercise's images are \(32, 32, 3\), but the model's input shape is \(28, 28\)\.$/ },
  },
  // Dense 784→64 50,240; 64→64 4,160; →10 650 = 55,050 (keras.io's functional API guide)
  '33-functional-mnist-mlp.py': { params: 55_050, output: [10], exercise: { line: 7, message: /input shape is \(784\)/ } },
  // Convolution2D(32, 3, 3) is a 3×3 kernel (Keras 2's reading): conv 896 (same); conv 9,248 (30×30); pool 15×15×32
  // = 7,200; Dense →512 3,686,912; Dense →10 5,130 = 3,702,186
  '34-keras1-convolution2d.py': { params: 3_702_186, output: [10], exercise: 'ok' },
  // conv 896; pool; conv 18,496; pool 8×8×64 = 4,096; Dense →10 40,970 = 60,362
  '35-other-libraries.py': { params: 60_362, output: [10], exercise: 'ok' },
  '36-typo-in-a-name.py': {
    refused: { line: 10, message: /^Dense\(\): 'units' must be an integer, got `num_classes`, which is not defined at this point\.$/ },
    exercise: { line: 10, message: /num_classes/ },
  },
  // convs 896 + 18,496 + 73,856; BN 128 + 256 + 512; GAP 128; Dense →10 1,290 = 95,434
  '37-build-with-input-shape-default.py': { params: 95_434, output: [10], exercise: 'ok' },
  // 224×224 inputs: 3.8 G multiply-adds per image and 1.3 GiB of activations per batch of 64
  '38-big-upsampled-resnet.py': {
    refused: { line: 10, message: /^One training batch needs too much memory: layer conv2d_1 \(Conv2D 128, 3×3\) outputs 112×112×128 values per image/ },
    exercise: { line: 10, message: /too much memory/ },
  },
  '39-dict-unpacked-arguments.py': {
    refused: { line: 8, message: /^Conv2D\(\): `\*`\/`\*\*` unpacking is not supported/ },
    exercise: { line: 8, message: /unpacking/ },
  },
  // conv 3→32 stride 2 896 (16×16); BN 128; conv 32→64 18,496; BN 256; pool 3/2 same 8×8; shortcut 1×1 stride 2 2,112;
  // Dense 64→10 650 = 22,538
  '40-functional-with-augmentation.py': { params: 22_538, output: [10], exercise: 'ok' },
};

describe('real-world model definitions (fixtures/real-world)', () => {
  it('covers every fixture, each naming the repository it was adapted from', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.py'));
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
    expect(files).toHaveLength(40);
    for (const f of files) expect(read(f).split('\n')[0], f).toMatch(/^# Adapted from /);
  });

  for (const [file, c] of Object.entries(CASES)) {
    it(`${file}: ${c.params !== undefined ? `accepted, ${c.params.toLocaleString('en-US')} parameters` : 'refused for its true reason'}`, () => {
      const plain = checkSource(read(file));
      if (c.params !== undefined) {
        expect(plain.errors, file).toEqual([]);
        expect(plain.ok).toBe(true);
        expect(plain.model?.totalParams).toBe(c.params);
        expect(plain.model?.layers[plain.model.layers.length - 1]?.outputShape).toEqual(c.output);
      } else {
        expect(plain.ok).toBe(false);
        expect(plain.errors[0]).toMatchObject({ line: c.refused?.line, message: expect.stringMatching(c.refused?.message ?? /./) });
      }
      const graded = checkSource(read(file), { rules: exercise });
      if (c.exercise === 'ok') expect(graded.errors, file).toEqual([]);
      else expect(graded.errors[0]).toMatchObject({ line: c.exercise.line, message: expect.stringMatching(c.exercise.message) });
    });
  }

  it('of the 40, 27 are accepted as written and 13 refused, each for a reason Keras users can act on', () => {
    const accepted = Object.values(CASES).filter((c) => c.params !== undefined).length;
    expect([accepted, 40 - accepted]).toEqual([27, 13]);
  });
});
