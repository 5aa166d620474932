import { describe, expect, it } from 'vitest';
import { check, diags, withLayers } from './test-helpers';

const layer = (src: string, i = 0) => {
  const r = check(withLayers(src));
  return { r, spec: r.spec?.layers[i], row: r.model?.layers[i] };
};

describe('layers: arguments resolved with Keras defaults and order', () => {
  it('Conv2D positional (filters, kernel_size, strides) equals the keyword form', () => {
    const a = layer("Input((32, 32, 3)), Conv2D(16, 3, 2, 'same', activation='relu')");
    const b = layer("Input((32, 32, 3)), Conv2D(filters=16, kernel_size=(3, 3), strides=(2, 2), padding='same', activation='relu')");
    expect(a.r.ok).toBe(true);
    expect(a.spec).toEqual(b.spec);
    expect(a.spec).toMatchObject({
      type: 'Conv2D',
      filters: 16,
      kernelSize: [3, 3],
      strides: [2, 2],
      padding: 'same',
      dilationRate: [1, 1],
      activation: 'relu',
      useBias: true,
      kernelInitializer: { name: 'glorot_uniform' },
      biasInitializer: { name: 'zeros' },
      kernelRegularizer: null,
    });
    expect(a.row).toEqual({ type: 'Conv2D', outputShape: [16, 16, 16], params: 3 * 3 * 3 * 16 + 16 });
  });

  it("Conv2D padding='valid' with stride and dilation, and use_bias=False", () => {
    const { row } = layer('Input((32, 32, 3)), Conv2D(8, (5, 3), strides=(2, 1), use_bias=False)');
    expect(row).toEqual({ type: 'Conv2D', outputShape: [14, 30, 8], params: 5 * 3 * 3 * 8 });
    expect(layer('Input((32, 32, 3)), Conv2D(8, 3, dilation_rate=2)').row?.outputShape).toEqual([28, 28, 8]);
  });

  it('Dense with initializers and regularizers by name and by constructor', () => {
    const { spec, r } = layer(
      "Input((4,)), Dense(3, 'tanh', False, 'he_normal', tf.keras.initializers.Constant(0.1), kernel_regularizer=tf.keras.regularizers.l2(0.001), bias_regularizer='l1')",
    );
    expect(r.ok).toBe(true);
    expect(spec).toMatchObject({
      units: 3,
      activation: 'tanh',
      useBias: false,
      kernelInitializer: { name: 'he_normal', config: { seed: null } },
      biasInitializer: { name: 'constant', config: { value: 0.1 } },
      kernelRegularizer: { l1: 0, l2: 0.001 },
      biasRegularizer: { l1: 0.01, l2: 0 },
    });
    expect(r.model?.layers[0]?.params).toBe(12);
    const cls = layer(
      'Input((4,)), Dense(3, kernel_initializer=keras.initializers.HeNormal(seed=7), kernel_regularizer=keras.regularizers.L1L2(l1=0.1, l2=0.2))',
    ).spec;
    expect(cls).toMatchObject({ kernelInitializer: { name: 'he_normal', config: { seed: 7 } }, kernelRegularizer: { l1: 0.1, l2: 0.2 } });
    expect(layer("Input((4,)), Dense(3, kernel_initializer='GlorotNormal')").spec).toMatchObject({ kernelInitializer: { name: 'glorot_normal' } });
  });

  it('Dense on a 3-D input applies to the last axis, as Keras does', () => {
    expect(layer('Input((32, 32, 3)), Dense(5)').row).toEqual({ type: 'Dense', outputShape: [32, 32, 5], params: 20 });
  });

  it('MaxPooling2D / AveragePooling2D: strides default to pool_size; same and valid padding', () => {
    expect(layer('Input((32, 32, 3)), MaxPooling2D()').spec).toMatchObject({ poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
    expect(layer('Input((31, 31, 3)), MaxPooling2D(3, 2)').row?.outputShape).toEqual([15, 15, 3]);
    expect(layer("Input((31, 31, 3)), AveragePooling2D(pool_size=(2, 2), padding='same')").row?.outputShape).toEqual([16, 16, 3]);
    expect(layer('Input((32, 32, 3)), layers.MaxPool2D((4, 4))').row).toEqual({ type: 'MaxPooling2D', outputShape: [8, 8, 3], params: 0 });
  });

  it('GlobalAveragePooling2D / GlobalMaxPooling2D reduce to channels', () => {
    expect(layer('Input((8, 8, 7)), GlobalAveragePooling2D()').row).toEqual({ type: 'GlobalAveragePooling2D', outputShape: [7], params: 0 });
    expect(layer('Input((8, 8, 7)), GlobalMaxPooling2D()').row?.outputShape).toEqual([7]);
  });

  it('Dropout and SpatialDropout2D keep the shape; rate positional', () => {
    expect(layer('Input((8, 8, 7)), SpatialDropout2D(0.2)').spec).toMatchObject({ type: 'SpatialDropout2D', rate: 0.2, seed: null });
    expect(layer('Input((10,)), Dropout(rate=0.5, seed=3)').spec).toMatchObject({ type: 'Dropout', rate: 0.5, seed: 3 });
  });

  it('BatchNormalization: 4 parameters per channel, 2 of them non-trainable', () => {
    const { r, spec } = layer('Input((8, 8, 16)), BatchNormalization()');
    expect(spec).toMatchObject({
      axis: -1,
      momentum: 0.99,
      epsilon: 0.001,
      center: true,
      scale: true,
      betaInitializer: { name: 'zeros' },
      gammaInitializer: { name: 'ones' },
    });
    expect(r.model).toMatchObject({ totalParams: 64, trainableParams: 32 });
    const noScale = layer('Input((8, 8, 16)), BatchNormalization(scale=False)').r.model;
    expect(noScale).toMatchObject({ totalParams: 48, trainableParams: 16 });
  });

  it('Activation, ReLU, LeakyReLU (negative_slope and the old alpha)', () => {
    expect(layer("Input((4,)), Activation('softmax')").spec).toMatchObject({ type: 'Activation', activation: 'softmax' });
    expect(layer('Input((4,)), Activation(tf.nn.relu)').spec).toMatchObject({ activation: 'relu' });
    expect(layer('Input((4,)), ReLU(6.0)').spec).toMatchObject({ type: 'ReLU', maxValue: 6, negativeSlope: 0, threshold: 0 });
    expect(layer('Input((4,)), LeakyReLU()').spec).toMatchObject({ negativeSlope: 0.3 });
    const old = layer('Input((4,)), LeakyReLU(alpha=0.1)');
    expect(old.spec).toMatchObject({ negativeSlope: 0.1 });
    expect(diags(old.r, 'deprecated-argument')[0]?.severity).toBe('warning');
  });

  it('every supported activation name is accepted', () => {
    for (const a of ['relu', 'sigmoid', 'softmax', 'tanh', 'elu', 'selu', 'softplus', 'linear', 'leaky_relu']) {
      expect(layer(`Input((4,)), Dense(2, activation='${a}')`).spec).toMatchObject({ activation: a });
    }
    expect(layer('Input((4,)), Dense(2, activation=None)').spec).toMatchObject({ activation: 'linear' });
  });

  it('Reshape with -1, and a reshape that cannot work', () => {
    expect(layer('Input((12,)), Reshape((2, -1))').row).toEqual({ type: 'Reshape', outputShape: [2, 6], params: 0 });
    const bad = layer('Input((12,)), Reshape((5, 5))').r;
    expect(bad.ok).toBe(false);
    expect(bad.errors[0]?.message).toMatch(/cannot reshape \(None, 12\)/);
  });

  it('ZeroPadding2D: int, symmetric pair and ((top, bottom), (left, right))', () => {
    expect(layer('Input((8, 8, 3)), ZeroPadding2D()').row?.outputShape).toEqual([10, 10, 3]);
    expect(layer('Input((8, 8, 3)), ZeroPadding2D((1, 2))').row?.outputShape).toEqual([10, 12, 3]);
    expect(layer('Input((8, 8, 3)), ZeroPadding2D(((0, 1), (2, 3)))').spec).toMatchObject({
      padding: [
        [0, 1],
        [2, 3],
      ],
    });
  });

  it('Flatten multiplies out the shape', () => {
    expect(layer('Input((4, 5, 6)), Flatten()').row?.outputShape).toEqual([120]);
  });
});

describe('input shapes and attribute paths', () => {
  it('input_shape= on the first layer, InputLayer, keras.Input and Input(shape=)', () => {
    expect(check(withLayers('Dense(4, input_shape=(8,))')).spec?.inputShape).toEqual([8]);
    expect(check(withLayers('tf.keras.layers.InputLayer(input_shape=(8,)), Dense(4)')).spec?.inputShape).toEqual([8]);
    expect(check(withLayers('keras.Input(shape=(6,)), Dense(4)')).spec?.inputShape).toEqual([6]);
    expect(check(withLayers('Input(shape=INPUT_SHAPE), Flatten()')).spec?.inputShape).toEqual([32, 32, 3]);
    expect(check(withLayers('Input(batch_shape=(None, 5)), Dense(2)')).spec?.inputShape).toEqual([5]);
  });

  it('without any input shape the data shape (32, 32, 3) is used, with a note', () => {
    const r = check(withLayers('Flatten(), Dense(10)'));
    expect(r.spec?.inputShape).toEqual([32, 32, 3]);
    expect(diags(r, 'default-input-shape')).toHaveLength(1);
  });

  it('resolves tf.keras.layers, keras.layers, layers., bare names and imported aliases to the same layer', () => {
    const src = (dense: string) =>
      `import tensorflow as tf\nfrom tensorflow.keras.layers import Dense as D\nimport keras\n${withLayers(`Input((4,)), ${dense}`)}`;
    const hashes = ['tf.keras.layers.Dense(3)', 'keras.layers.Dense(3)', 'layers.Dense(3)', 'Dense(3)', 'D(3)', 'tensorflow.keras.layers.Dense(3)'].map(
      (d) => check(src(d).replace('import keras\n', 'import keras\nimport tensorflow\n')).hash,
    );
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('import forms: from tensorflow.keras import models, import ... as, from keras.optimizers import Adam', () => {
    const src = `from tensorflow.keras import models, losses\nimport tensorflow.keras.layers as L\nfrom keras.optimizers import Adam\nm = models.Sequential([L.Input((4,)), L.Dense(2)])\nm.compile(optimizer=Adam(0.01), loss=losses.MeanSquaredError())\nm.fit(train_data, epochs=2)\n`;
    const r = check(src);
    expect(r.errors).toEqual([]);
    expect(r.training).toMatchObject({ optimizer: 'adam', learningRate: 0.01, loss: 'mean_squared_error' });
    const star = check(
      `from tensorflow.keras.optimizers import *\nfrom tensorflow.keras.losses import *\nfrom tensorflow.keras.models import *\n${withLayers('Input((4,)), Dense(2)').replace("optimizer='adam'", 'optimizer=RMSprop(0.01)').replace("loss='categorical_crossentropy'", 'loss=CategoricalCrossentropy()')}`,
    );
    expect(star.training).toMatchObject({ optimizer: 'rmsprop', learningRate: 0.01, loss: 'categorical_crossentropy' });
    expect(diags(check(withLayers('Input((4,)), keras.layers.Dens(3)')), 'unknown-layer')[0]?.message).toMatch(/Unknown layer Dens \(did you mean Dense\?\)/);
  });

  it('models from tf.keras.Sequential, keras.models.Sequential and Sequential() + add()', () => {
    const added = `model = tf.keras.models.Sequential()\nmodel.add(Input((4,)))\nmodel.add(Dense(3))\nmodel.add(Dense(2))\nmodel.pop()\nmodel.compile('sgd', 'mse')\nmodel.fit(train_data, epochs=2)\n`;
    const r = check(added);
    expect(r.ok).toBe(true);
    expect(r.model?.layers).toEqual([{ type: 'Dense', outputShape: [3], params: 15 }]);
    expect(r.training).toMatchObject({ optimizer: 'sgd', loss: 'mean_squared_error', epochs: 2 });
  });

  it('folds constants: earlier names, len(), arithmetic and indexing', () => {
    const src = `N = 8\nsizes = (N * 2, N // 2)\nmodel = Sequential([Input((len(class_names) + 2,)), Dense(sizes[0]), Dense(sizes[-1] - 1), Dense(class_num, activation='softmax')])\nmodel.compile(optimizer='adam', loss='categorical_crossentropy')\nmodel.fit(train_data, epochs=EPOCHS if False else 3)\n`;
    const r = check(src.replace('EPOCHS if False else 3', '3'));
    expect(r.ok).toBe(true);
    expect(r.spec?.inputShape).toEqual([12]);
    expect(r.model?.layers.map((l) => l.outputShape[0])).toEqual([16, 3, 10]);
  });

  it('explicit layer names are kept; auto names follow Keras (conv2d, conv2d_1, re_lu)', () => {
    const r = check(withLayers("Input((8, 8, 3)), Conv2D(4, 3, name='first'), Conv2D(4, 3), Conv2D(4, 3), ReLU(), Flatten()"));
    expect(r.spec?.layers.map((l) => l.name)).toEqual(['first', 'conv2d', 'conv2d_1', 're_lu', 'flatten']);
  });
});
