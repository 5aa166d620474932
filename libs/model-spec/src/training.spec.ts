import { describe, expect, it } from 'vitest';
import { check, diags } from './test-helpers';

const model = "model = Sequential([Input((4,)), Dense(10, activation='softmax')])\n";
const compiled = (compile: string, fit = 'model.fit(train_data, epochs=3)') => check(`${model}model.compile(${compile})\n${fit}\n`);

describe('compile(): optimizers, losses, metrics', () => {
  it('optimizer strings in any case Keras accepts, with Keras defaults', () => {
    for (const [s, name, lr] of [
      ['adam', 'adam', 0.001],
      ['Adam', 'adam', 0.001],
      ['SGD', 'sgd', 0.01],
      ['rmsprop', 'rmsprop', 0.001],
      ['AdamW', 'adamw', 0.001],
      ['adagrad', 'adagrad', 0.001],
      ['Adadelta', 'adadelta', 0.001],
      ['adamax', 'adamax', 0.001],
      ['Nadam', 'nadam', 0.001],
    ] as const) {
      const r = compiled(`'${s}', loss='categorical_crossentropy'`);
      expect(r.spec?.optimizer).toMatchObject({ name, learningRate: lr });
    }
    expect(compiled("'sgd', 'mse'").spec?.optimizer.config).toMatchObject({ momentum: 0, nesterov: false });
    expect(compiled("'adam', 'mse'").spec?.optimizer.config).toMatchObject({ beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false });
    expect(compiled("'adamw', 'mse'").spec?.optimizer.config).toMatchObject({ weight_decay: 0.004 });
    expect(compiled("'rmsprop', 'mse'").spec?.optimizer.config).toMatchObject({ rho: 0.9, momentum: 0, epsilon: 1e-7 });
    expect(compiled("'adagrad', 'mse'").spec?.optimizer.config).toMatchObject({ initial_accumulator_value: 0.1 });
    expect(compiled("'adadelta', 'mse'").spec?.optimizer.config).toMatchObject({ rho: 0.95 });
  });

  it("Keras's default optimizer is rmsprop", () => {
    expect(compiled("loss='categorical_crossentropy'").training?.optimizer).toBe('rmsprop');
  });

  it('optimizer constructors: SGD with momentum and nesterov, positional learning rate, the legacy lr= with a warning', () => {
    const sgd = compiled("optimizer=tf.keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True), loss='categorical_crossentropy'");
    expect(sgd.spec?.optimizer).toMatchObject({ name: 'sgd', learningRate: 0.05, config: { momentum: 0.9, nesterov: true } });
    expect(compiled("optimizer=optimizers.Adam(learning_rate=3e-4), loss='categorical_crossentropy'").training?.learningRate).toBe(3e-4);
    const legacy = compiled("optimizer=keras.optimizers.RMSprop(lr=0.01), loss='categorical_crossentropy'");
    expect(legacy.training?.learningRate).toBe(0.01);
    expect(diags(legacy, 'deprecated-argument')[0]?.message).toMatch(/learning_rate/);
    expect(legacy.ok).toBe(true);
  });

  it('losses by name and constructor; metrics by name and object', () => {
    expect(compiled("'adam', loss=tf.keras.losses.CategoricalCrossentropy(label_smoothing=0.1)").spec?.loss).toEqual({
      name: 'categorical_crossentropy',
      fromLogits: false,
      labelSmoothing: 0.1,
    });
    expect(compiled("'adam', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)").spec?.loss).toMatchObject({
      name: 'sparse_categorical_crossentropy',
      fromLogits: true,
    });
    expect(compiled("'adam', loss='kld'").spec?.loss.name).toBe('kl_divergence');
    expect(compiled("'adam', loss=tf.keras.losses.categorical_crossentropy").spec?.loss.name).toBe('categorical_crossentropy');
    // Keras computes 'accuracy' as the categorical accuracy here: the same metric, the same spec
    expect(compiled("'adam', 'categorical_crossentropy', metrics=['acc', tf.keras.metrics.CategoricalAccuracy()]").spec?.metrics).toEqual([
      'accuracy',
      'accuracy',
    ]);
  });

  it('reports unsupported optimizers, losses, learning rates and missing losses', () => {
    expect(compiled("'adamz', 'mse'").errors[0]?.message).toMatch(/optimizer 'adamz' is not supported \(did you mean 'Adam'\?\)/);
    expect(compiled("'adam', 'hinge'").errors[0]?.message).toMatch(/loss 'hinge' is not supported/);
    expect(compiled("optimizers.Adam(learning_rate=-1), loss='mse'").errors[0]?.message).toMatch(/learning_rate' must be greater than 0/);
    expect(compiled("'adam'").errors[0]?.message).toMatch(/compile\(\) needs a loss/);
  });
});

describe('fit(): epochs and batch size', () => {
  it('epochs positional or keyword; Keras defaults to 1 epoch', () => {
    expect(compiled("'adam', 'mse'", 'model.fit(train_data, None, None, 7)').training?.epochs).toBe(7);
    expect(compiled("'adam', 'mse'", 'model.fit(train_data)').training?.epochs).toBe(1);
  });

  it('batch size is the lesson batching (64); batch_size= on a dataset is ignored with a warning', () => {
    const r = compiled("'adam', 'mse'", 'model.fit(train_data, batch_size=128, epochs=2)');
    expect(r.training?.batchSize).toBe(64);
    expect(diags(r, 'batch-size-ignored')[0]?.message).toMatch(/train_data is already batched/);
    expect(compiled("'adam', 'mse'", 'model.fit(x_train, y_train, batch_size=128, epochs=2)').training?.batchSize).toBe(128);
  });

  it('callbacks are ignored with a warning; epochs=0 is an error', () => {
    expect(diags(compiled("'adam', 'mse'", 'model.fit(train_data, epochs=2, callbacks=[cb])'), 'argument-ignored')).toHaveLength(1);
    expect(compiled("'adam', 'mse'", 'model.fit(train_data, epochs=0)').errors[0]?.message).toMatch(/'epochs' must be at least 1/);
  });
});
