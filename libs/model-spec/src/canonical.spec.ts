import { describe, expect, it } from 'vitest';
import { canonicalForm, canonicalHash, canonicalJson, isAutoLayerName } from './canonical';
import { check } from './test-helpers';

const base = `model3 = Sequential([
    Input((32, 32, 3)),
    Conv2D(filters=32, kernel_size=(3, 3), padding='same', activation='relu'),
    MaxPooling2D(pool_size=(2, 2)),
    Flatten(),
    Dense(class_num, activation='softmax')
])
model3.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
history = model3.fit(train_data, validation_data=validation_data, epochs=30)
`;

const hash = (src: string) => {
  const r = check(src);
  expect(r.errors).toEqual([]);
  return r.hash;
};

describe('canonical form and hash', () => {
  it('formatting, comments, argument order, spelled-out defaults and auto names do not change the hash', () => {
    const variant = `# my model
import tensorflow as tf
m = tf.keras.Sequential([tf.keras.layers.Input(shape=INPUT_SHAPE),   # input
  tf.keras.layers.Conv2D(32, 3, strides=1, activation="relu", padding="same", use_bias=True, kernel_initializer='glorot_uniform', name='conv2d'),
  tf.keras.layers.MaxPooling2D((2, 2), strides=None, padding='valid'), tf.keras.layers.Flatten(),
  tf.keras.layers.Dense(units=10, activation='softmax')])
m.compile(loss='categorical_crossentropy', metrics=['accuracy'], optimizer=tf.keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9))
m.fit(train_data, epochs=30, validation_data=validation_data)
plt.plot([1, 2])
`;
    expect(hash(variant)).toBe(hash(base));
  });

  it('anything that changes the model or its training changes the hash', () => {
    const h = hash(base);
    for (const changed of [
      base.replace('epochs=30', 'epochs=31'),
      base.replace("optimizer='adam'", "optimizer='sgd'"),
      base.replace("activation='relu'", "activation='tanh'"),
      base.replace('filters=32', 'filters=16'),
      base.replace("padding='same'", "padding='valid'"),
      base.replace('MaxPooling2D(pool_size=(2, 2)),', "MaxPooling2D(pool_size=(2, 2), name='pool'),"),
    ])
      expect(hash(changed)).not.toBe(h);
  });

  it('drops source positions and auto-generated names but keeps chosen names', () => {
    const spec = check(base.replace('Flatten()', "Flatten(name='flat')")).spec;
    if (!spec) throw new Error('expected a spec');
    const form = canonicalForm(spec) as { layers: Record<string, unknown>[] };
    expect(form.layers.map((l) => l.name)).toEqual([undefined, undefined, 'flat', undefined]);
    expect(form.layers.every((l) => !('source' in l))).toBe(true);
    expect(canonicalHash(spec)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('recognises Keras auto names', () => {
    expect(isAutoLayerName('MaxPooling2D', 'max_pooling2d_3')).toBe(true);
    expect(isAutoLayerName('ReLU', 're_lu')).toBe(true);
    expect(isAutoLayerName('Dense', 'classifier')).toBe(false);
  });
});
