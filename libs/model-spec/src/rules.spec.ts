import { describe, expect, it } from 'vitest';
import { check, diags, withLayers } from './test-helpers';

const lesson = { inputShape: [32, 32, 3], outputUnits: 10, outputActivation: 'softmax' as const, requiredEpochs: 5 };
const good = withLayers("Input(INPUT_SHAPE), Conv2D(8, 3, activation='relu'), Flatten(), Dense(class_num, activation='softmax')");

describe('exercise rules', () => {
  it('a submission that follows the rules is ok', () => {
    expect(check(good, lesson).errors).toEqual([]);
  });

  it('input shape, at the Input', () => {
    const r = check(withLayers("Input((28, 28, 1)), Flatten(), Dense(10, activation='softmax')"), lesson);
    expect(diags(r, 'rule-input-shape')[0]).toMatchObject({
      line: 2,
      column: 5,
      message: "This exercise's images are (32, 32, 3), but the model's input shape is (28, 28, 1).",
    });
  });

  it('output units and activation, at the last layer; a trailing Activation or Dropout counts', () => {
    const r = check(withLayers("Input(INPUT_SHAPE), Flatten(), Dense(5, activation='relu')"), lesson);
    expect(diags(r, 'rule-output-units')[0]?.message).toBe('The model must end with 10 outputs (one per class), but its last layer outputs (None, 5).');
    expect(diags(r, 'rule-output-activation')[0]?.message).toBe("The model's output must use the softmax activation, but it uses relu.");
    expect(check(withLayers("Input(INPUT_SHAPE), Flatten(), Dense(10), Activation('softmax'), Dropout(0.1)"), lesson).errors).toEqual([]);
    expect(diags(check(withLayers('Input(INPUT_SHAPE), Flatten(), Dense(10)'), lesson), 'rule-output-activation')[0]?.message).toMatch(
      /uses linear \(no activation\)/,
    );
  });

  it('required and maximum epochs, at the epochs argument', () => {
    const r = check(good.replace('epochs=5', 'epochs=30'), lesson);
    expect(diags(r, 'rule-required-epochs')[0]).toMatchObject({
      line: 5,
      column: 73,
      message: 'This exercise trains for exactly 5 epochs, but fit() asks for 30.',
    });
    expect(diags(check(good.replace('epochs=5', 'epochs=30'), { maxEpochs: 20 }), 'rule-max-epochs')[0]?.message).toBe(
      'fit() asks for 30 epochs; the limit is 20.',
    );
  });

  it('maximum parameters, at the largest layer', () => {
    const r = check(good, { maxParams: 1000 });
    expect(diags(r, 'rule-max-params')[0]).toMatchObject({
      line: 2,
      column: 69,
      message:
        'The model has 72,234 parameters; the limit is 1,000. Its largest layer is dense (Dense 10) with 72,010. Use fewer filters or units, or add pooling before Flatten.',
    });
  });

  it('allowed optimizers and layers', () => {
    const r = check(good, { allowedOptimizers: ['sgd'], allowedLayers: ['Dense', 'Flatten'] });
    expect(diags(r, 'rule-allowed-optimizers')[0]?.message).toBe('The adam optimizer is not allowed in this exercise. Allowed: sgd.');
    expect(diags(r, 'rule-allowed-layers')[0]).toMatchObject({
      line: 2,
      column: 25,
      message: 'Conv2D is not allowed in this exercise. Allowed layers: Dense, Flatten.',
    });
  });

  it('limits: layers and source size come from the rules', () => {
    expect(diags(check(good, { maxLayers: 2 }), 'rule-max-layers')[0]).toMatchObject({ message: 'The model has 3 layers; the limit is 2.', column: 69 });
    // Over the limit, the output rules still look at the real last layer: no false "must end with 10 outputs".
    expect(check(good, { ...lesson, maxLayers: 2 }).errors.map((e) => e.message)).toEqual(['The model has 3 layers; the limit is 2.']);
    const beyond = withLayers(
      ['Input(INPUT_SHAPE)', 'Flatten()', ...Array.from({ length: 30 }, () => 'Dense(4)'), "Dense(10, activation='softmax')"].join(', '),
    );
    const far = check(beyond, { ...lesson, maxLayers: 5 });
    expect(far.errors.map((e) => e.message)).toEqual(['The source creates more than 5 layers, the limit for this exercise.']);
    expect(check(good, { maxSourceBytes: 100 }).errors[0]?.message).toMatch(/the limit is 100 bytes/);
  });

  it('invalid rules are reported, not thrown', () => {
    expect(check(good, { maxEpochs: -1 }).errors[0]?.message).toMatch(/The exercise's rules are invalid: maxEpochs/);
  });
});
