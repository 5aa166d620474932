import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSource } from './check-source';
import { LESSON_FIXTURES } from './fixtures';
import { check, diags, withLayers } from './test-helpers';

const cifar = { inputShape: [32, 32, 3], outputUnits: 10, outputActivation: 'softmax' as const };
const fitLines = "model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\nmodel.fit(train_data, epochs=5)\n";
const messages = (src: string, rules = {}) => check(src, rules).errors.map((e) => `${e.line}:${e.column} ${e.message}`);

describe('syntax the grammar gets wrong, and syntax errors', () => {
  it('floats written with a trailing dot are floats, and every column after them is still right', () => {
    const r = check(withLayers('Input((32, 32, 3)), Rescaling(1./255), Flatten(), Dropout(.5), Dense(10)', 'x = 255.\ny = 1.e-3\n'));
    expect(r.errors).toEqual([]);
    expect(r.spec?.layers[0]).toMatchObject({ type: 'Rescaling', scale: 1 / 255, offset: 0 });
    // 64. is a float: Keras refuses it for units, and the error points at it
    expect(messages(withLayers('Input((4,)), Dense(64.), Dense(2)'))).toEqual(["2:24 Dense(): 'units' must be an integer, got 64.0."]);
    expect(messages(`x = 1./0.\nmodel = Sequential([Input((4,)), Dense(1.e3)])\n${fitLines}`)).toEqual([
      "2:40 Dense(): 'units' must be an integer, got 1000.0.",
    ]);
    // strings and comments are left alone
    expect(check(withLayers("Input((4,)), Dense(3, name='v1.')", '# version 2.\n')).spec?.layers[0]?.name).toBe('v1.');
  });

  it('a NUL byte is refused, as Python refuses the file', () => {
    expect(check(`x = 1  # a\0comment\n${withLayers('Input((4,)), Dense(3)')}`).errors).toEqual([
      {
        line: 1,
        column: 11,
        message: 'Syntax error: source code cannot contain null bytes (Python refuses the file); remove the invisible character here.',
      },
    ]);
  });

  it('a bracket left open is named with its line and column where the parser gives up', () => {
    const src = "model = Sequential([\n    Dense(10, activation='relu'\n    Dense(10)])\n";
    const r = check(src);
    expect(r.errors).toEqual([
      {
        line: 3,
        column: 5,
        message:
          'Syntax error: unexpected `Dense` here (check for a missing comma, operator or bracket just before it); the `(` opened on line 2, column 10 is still open.',
      },
    ]);
    expect(diags(r, 'unclosed-bracket')[0]).toMatchObject({ line: 2, column: 10, severity: 'info' });
    expect(messages('x = [1, (2, 3]\n')).toEqual(['1:14 Syntax error: `]` does not match the `(` opened on line 1, column 9; expected `)` (is it missing?).']);
  });
});

describe('undefined names are named, once, with the import that defines them', () => {
  it('`models` without its import, and a misspelt Sequential, are errors at the name; nothing else cascades', () => {
    const r = check(`model = models.Sequential()\nmodel.add(layers.Dense(10))\n${fitLines}`);
    expect(r.errors).toEqual([{ line: 1, column: 9, message: '`models` is not defined: add `from tensorflow.keras import models` at the top.' }]);
    expect(r.warnings).toEqual([]);
    expect(messages(`model = Sequentail([Dense(10)])\n${fitLines}`)).toEqual(['1:9 `Sequentail` is not defined (did you mean Sequential?).']);
    expect(messages(`import numpy as np\nmodel = Model(inputs, outputs)\n`)).toEqual([
      '2:9 `Model` is not defined: add `from tensorflow.keras.models import Model` at the top.',
    ]);
    // plotting with an undefined name stays a note, as before
    expect(check(withLayers('Input((4,)), Dense(3)', 'sns.lineplot(x=1)\n')).errors).toEqual([]);
  });
});

describe('shapes taken from the data', () => {
  const cifarData =
    "(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()\nx_train = x_train.astype('float32') / 255.\nx_test = x_test / 255.0\nclass_count = len(np.unique(y_train))\ny_train = keras.utils.to_categorical(y_train, class_count)\n";

  it('input_shape=x_train.shape[1:] and the classes from to_categorical, with a note that load_data() is not run', () => {
    const src = `${cifarData}model = Sequential()\nmodel.add(Conv2D(32, (3, 3), padding='same', input_shape=x_train.shape[1:]))\nmodel.add(Flatten())\nmodel.add(Dense(y_train.shape[1], activation='softmax'))\nmodel.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])\nmodel.fit(x_train, y_train, batch_size=128, epochs=5, validation_data=(x_test, y_test))\n`;
    const r = checkSource(src, { rules: cifar });
    expect(r.errors).toEqual([]);
    expect(r.spec?.inputShape).toEqual([32, 32, 3]);
    expect(r.model?.layers.map((l) => [l.type, l.outputShape, l.params])).toEqual([
      ['Conv2D', [32, 32, 32], 896],
      ['Flatten', [32768], 0],
      ['Dense', [10], 327_690],
    ]);
    expect(r.training?.batchSize).toBe(128);
    expect(diags(r, 'data-ignored')[0]).toMatchObject({ line: 1, severity: 'info' });
  });

  it('MNIST reshaped to (28, 28, 1) in a CIFAR-10 exercise: a warning at load_data() and the input rule at the layer', () => {
    const src = `from tensorflow.keras.datasets import mnist\n(x_train, y_train), (x_test, y_test) = mnist.load_data()\nx_train = x_train.reshape(-1, 28, 28, 1)\nx_test = np.expand_dims(x_test, -1)\nmodel = Sequential([Conv2D(8, 3, input_shape=x_train.shape[1:]), Flatten(), Dense(10, activation='softmax')])\n${fitLines}`;
    const r = checkSource(src, { rules: cifar });
    expect(diags(r, 'data-mismatch')[0]).toMatchObject({
      line: 2,
      column: 40,
      message:
        "This code loads MNIST (28×28×1 images in 10 classes), but this exercise trains on its own data: 32×32×3 images in 10 classes. Epoch does not run load_data(); the model must fit the exercise's data.",
    });
    expect(r.errors.map((e) => e.message)).toEqual(["This exercise's images are (32, 32, 3), but the model's input shape is (28, 28, 1)."]);
  });

  it('CIFAR-100 has 100 classes; x_train[..., np.newaxis] and a sklearn split keep the shape', () => {
    const r = checkSource(
      `from sklearn.model_selection import train_test_split\n(x, y), _ = keras.datasets.cifar100.load_data()\nn = len(np.unique(y))\nx_a, x_b, y_a, y_b = train_test_split(x, y)\nmodel = Sequential([Input(x_a.shape[1:]), Flatten(), Dense(n, activation='softmax')])\n${fitLines}`,
      { rules: cifar },
    );
    expect(diags(r, 'data-mismatch')[0]?.message).toMatch(/loads CIFAR-100 \(32×32×3 images in 100 classes\)/);
    expect(r.errors.map((e) => e.message)).toEqual(['The model must end with 10 outputs (one per class), but its last layer outputs (None, 100).']);
    const added = check(
      `(x, y), _ = keras.datasets.mnist.load_data()\nx = x[..., np.newaxis]\nmodel = Sequential([Input(x.shape[1:]), Flatten(), Dense(3)])\n${fitLines}`,
    );
    expect(added.spec?.inputShape).toEqual([28, 28, 1]);
  });
});

describe('models built in functions, __main__ blocks, constant conditions and loops', () => {
  it('def build_model(...): ... return model, called with constant arguments under if __name__ == "__main__"', () => {
    const src = `def build_model(units, rate=0.5, n_classes=10):\n    model = Sequential()\n    model.add(Input((32, 32, 3)))\n    model.add(Flatten())\n    for n in [units, units // 2]:\n        model.add(Dense(n, activation='relu'))\n    model.add(Dropout(rate))\n    model.add(Dense(n_classes, activation='softmax'))\n    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])\n    return model\n\nif __name__ == '__main__':\n    model = build_model(64, rate=0.25)\n    model.fit(train_data, epochs=5)\n`;
    const r = checkSource(src, { rules: cifar });
    expect(r.errors).toEqual([]);
    expect(r.model?.layers.map((l) => [l.type, l.params])).toEqual([
      ['Flatten', 0],
      ['Dense', 3072 * 64 + 64],
      ['Dense', 64 * 32 + 32],
      ['Dropout', 0],
      ['Dense', 32 * 10 + 10],
    ]);
    expect(r.spec?.layers[3]).toMatchObject({ rate: 0.25 });
  });

  it('what still cannot run is refused naming the function and why', () => {
    const star = `def build(**options):\n    return Sequential([Dense(10)])\nmodel = build(units=3)\n${fitLines}`;
    expect(messages(star)).toEqual(['3:9 build(): keyword arguments collected by **options are not supported; name the parameter.']);
    const loop = `def build(sizes):\n    model = Sequential([Input((4,))])\n    while sizes:\n        model.add(Dense(4))\n    return model\nmodel = build([1])\n${fitLines}`;
    expect(messages(loop)).toContain(
      "4:9 In build(): `model.add(...)` inside a while loop is not supported: the checker does not run this kind of block. Write the model's statements outside it.",
    );
    const recursive = `def f(n):\n    return f(n)\nx = f(1)\n`;
    expect(messages(recursive)[0]).toMatch(/f\(\) calls functions more than 20 levels deep/);
    const gen = `def layers_of():\n    yield Dense(4)\nmodel = Sequential(layers_of())\n${fitLines}`;
    expect(messages(gen)[0]).toMatch(/the layers come from the result of your function layers_of\(\), which the checker cannot run: it is a generator/);
  });

  it('a loop that would run too long stops the checker with a message instead of hanging', () => {
    const src = `def f():\n    for i in range(1000):\n        for j in range(1000):\n            model.add(Dense(1))\nmodel = Sequential()\nf()\n`;
    const t0 = performance.now();
    expect(
      check(src)
        .errors.map((e) => e.message)
        .join('\n'),
    ).toMatch(/more than 100 layers|run more than 10,000 statements/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('the functional API', () => {
  const model3 = readFileSync(fileURLToPath(LESSON_FIXTURES.model3), 'utf8');
  const functional = model3.replace(
    /model3 = Sequential\(\[[\s\S]*?\n\]\)/,
    `inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(filters=32, kernel_size=(3, 3), padding='same', activation='relu')(inputs)
x = layers.MaxPooling2D(pool_size=(2, 2))(x)
x = layers.Conv2D(32, (3, 3), padding='same', activation='relu')(x)
x = layers.MaxPooling2D((2, 2))(x)
x = layers.Conv2D(64, (3, 3), padding='same', activation='relu')(x)
x = layers.MaxPooling2D((2, 2))(x)
x = layers.Flatten()(x)
x = layers.Dense(64, activation='relu')(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(class_num, activation='softmax')(x)
model3 = keras.Model(inputs=inputs, outputs=outputs)`,
  );

  it('model3 written with keras.Input and keras.Model is the same spec, with the same hash, as the Sequential one', () => {
    const a = checkSource(model3);
    const b = checkSource(functional);
    expect(functional).not.toBe(model3);
    expect(b.errors).toEqual([]);
    expect(b.spec?.layers.some((l) => l.inputs)).toBe(false);
    expect(b.hash).toBe(a.hash);
    expect(b.model).toEqual(a.model);
  });

  it('branches joined with Add and Concatenate: shapes, parameters and the layers each one takes', () => {
    const src = `inputs = keras.Input(shape=(32, 32, 3))\nx = layers.Conv2D(16, 3, padding='same', activation='relu')(inputs)\ny = layers.Conv2D(16, 3, padding='same')(x)\nz = layers.add([x, y])\nw = layers.Conv2D(8, 1)(inputs)\nv = layers.Concatenate(axis=-1)([z, w])\nv = layers.GlobalAveragePooling2D()(v)\noutputs = layers.Dense(10, activation='softmax')(v)\nmodel = keras.Model(inputs, outputs)\n${fitLines}`;
    const r = checkSource(src, { rules: cifar });
    expect(r.errors).toEqual([]);
    expect(r.spec?.layers.map((l) => [l.name, l.inputs ?? null])).toEqual([
      ['conv2d', null],
      ['conv2d_1', null],
      ['add', ['conv2d', 'conv2d_1']],
      ['conv2d_2', ['input']],
      ['concatenate', ['add', 'conv2d_2']],
      ['global_average_pooling2d', null],
      ['dense', null],
    ]);
    // 3*3*3*16+16, 3*3*16*16+16, 1*1*3*8+8, 24*10+10
    expect(r.model?.layers.map((l) => l.params)).toEqual([448, 2320, 0, 32, 0, 0, 250]);
    expect(r.model?.layers[4]?.outputShape).toEqual([32, 32, 24]);
  });

  it('refuses what Epoch cannot train: a second input, a layer called twice, shapes that do not merge', () => {
    const two = `a = keras.Input((4,))\nb = keras.Input((4,))\nc = layers.Add()([a, b])\nd = layers.Dense(2)(c)\nmodel = keras.Model(inputs=a, outputs=d)\n${fitLines}`;
    expect(messages(two)).toEqual(['5:39 Model(): the output depends on another Input (line 2); Epoch trains models with one input.']);
    const shared = `a = keras.Input((4,))\nd = layers.Dense(4)\nx = d(a)\ny = d(x)\nmodel = keras.Model(a, y)\n${fitLines}`;
    expect(messages(shared)[0]).toMatch(/^4:5 This Dense layer is already called on another input; a layer used twice shares its weights/);
    const bad = `a = keras.Input((8, 8, 3))\nx = layers.Conv2D(4, 3)(a)\ny = layers.Add()([a, x])\nmodel = keras.Model(a, layers.Flatten()(y))\n${fitLines}`;
    expect(messages(bad)[0]).toMatch(/Add 'add': its inputs have shapes \(None, 8, 8, 3\) and \(None, 6, 6, 4\), which cannot be combined element by element/);
  });
});

describe('Keras 2 spellings, preprocessing layers, losses and metrics, imports', () => {
  const compiled = (opt: string) =>
    check(`model = Sequential([Input((4,)), Dense(2)])\nmodel.compile(optimizer=${opt}, loss='mse')\nmodel.fit(train_data, epochs=1)\n`);

  it('decay= is kept in the spec (and trained); lr= and the lowercase constructors are read with a note', () => {
    const r = compiled('keras.optimizers.rmsprop(lr=0.0001, decay=1e-6)');
    expect(r.errors).toEqual([]);
    expect(r.spec?.optimizer).toMatchObject({ name: 'rmsprop', learningRate: 0.0001, config: { decay: 1e-6 } });
    expect(diags(r, 'legacy-optimizer')[0]?.message).toBe("keras.optimizers.rmsprop is Keras 2's alias of RMSprop; read as RMSprop.");
    expect(diags(r, 'deprecated-argument')[0]?.severity).toBe('info');
    // decay=0 and no decay give the same spec, so earlier hashes do not change
    expect(compiled('keras.optimizers.SGD(lr=0.01, decay=0)').hash).toBe(compiled('keras.optimizers.SGD(learning_rate=0.01)').hash);
    expect(compiled('keras.optimizers.Adam(epsilon=None)').spec?.optimizer.config.epsilon).toBe(1e-7);
  });

  it('preprocessing and augmentation layers, a nested Sequential, Softmax and Activation as the output', () => {
    const src = `augment = keras.Sequential([layers.experimental.preprocessing.RandomFlip('horizontal'), layers.RandomRotation(0.1), layers.RandomZoom((-0.2, 0.1)), layers.RandomTranslation(0.1, 0.1)])\nmodel = Sequential([Input((32, 32, 3)), augment, Rescaling(1/255), Normalization(mean=[0.5, 0.5, 0.5], variance=[0.25, 0.25, 0.25]), RandomCrop(28, 28), Resizing(32, 32), Conv2D(8, 3), Flatten(), Dense(10), Softmax()])\n${fitLines}`;
    const r = checkSource(src, { rules: cifar });
    expect(r.errors).toEqual([]);
    expect(r.model?.layers.map((l) => [l.type, l.outputShape, l.params])).toEqual([
      ['RandomFlip', [32, 32, 3], 0],
      ['RandomRotation', [32, 32, 3], 0],
      ['RandomZoom', [32, 32, 3], 0],
      ['RandomTranslation', [32, 32, 3], 0],
      ['Rescaling', [32, 32, 3], 0],
      ['Normalization', [32, 32, 3], 0],
      ['RandomCrop', [28, 28, 3], 0],
      ['Resizing', [32, 32, 3], 0],
      ['Conv2D', [30, 30, 8], 224],
      ['Flatten', [7200], 0],
      ['Dense', [10], 72_010],
      ['Softmax', [10], 0],
    ]);
    expect(r.spec?.layers[1]).toMatchObject({ type: 'RandomRotation', factor: [-0.1, 0.1], fillMode: 'reflect', interpolation: 'bilinear', seed: null });
    expect(r.spec?.layers[2]).toMatchObject({ heightFactor: [-0.2, 0.1], widthFactor: null });
    expect(checkSource(withLayers("Input((4,)), Dense(10), Activation('softmax')"), { rules: { outputActivation: 'softmax' } }).errors).toEqual([]);
  });

  it('refuses a Normalization that would need adapt(), and augmentation after a layer with weights', () => {
    expect(messages(withLayers('Input((4, 4, 3)), Normalization(), Flatten(), Dense(2)'))[0]).toMatch(
      /Normalization\(\): give mean= and variance=: adapt\(\) would compute them from the data/,
    );
    expect(messages(withLayers('Input((8, 8, 3)), Conv2D(4, 3), RandomRotation(0.1), Flatten(), Dense(2)'))).toEqual([
      '2:37 RandomRotation must come before the first layer with weights (conv2d (Conv2D 4, 3×3)): Epoch applies augmentation to the images, at the start of the model.',
    ]);
  });

  it('losses and metrics as imported functions and objects; CategoricalAccuracy gives the hash of accuracy', () => {
    const body = (imports: string, loss: string, metrics: string) =>
      `${imports}\nmodel = Sequential([Input((4,)), Dense(10, activation='softmax')])\nmodel.compile(optimizer='adam', loss=${loss}, metrics=${metrics})\nmodel.fit(train_data, epochs=2)\n`;
    const plain = check(body('', "'categorical_crossentropy'", "['accuracy']"));
    const imported = check(
      body(
        'from tensorflow.keras.losses import categorical_crossentropy\nfrom tensorflow.keras.metrics import CategoricalAccuracy',
        'categorical_crossentropy',
        '[CategoricalAccuracy()]',
      ),
    );
    expect(imported.errors).toEqual([]);
    expect(imported.hash).toBe(plain.hash);
    expect(check(body('from keras.metrics import categorical_accuracy', "'categorical_crossentropy'", '[categorical_accuracy]')).hash).toBe(plain.hash);
    expect(check(body('', "'sparse_categorical_crossentropy'", '[keras.metrics.SparseCategoricalAccuracy()]')).spec?.metrics).toEqual(['accuracy']);
  });

  it("old import paths map to today's layers; Keras 1 names are read with a note", () => {
    const src = `from keras.models import Sequential\nfrom keras.layers.core import Dense, Flatten, Activation\nfrom keras.layers.convolutional import Conv2D, MaxPooling2D\nfrom keras.layers.normalization import BatchNormalization\nfrom keras.layers.advanced_activations import LeakyReLU\nmodel = Sequential()\nmodel.add(Conv2D(8, 3, 3, border_mode='same', input_shape=(32, 32, 3)))\nmodel.add(BatchNormalization())\nmodel.add(LeakyReLU(alpha=0.1))\nmodel.add(MaxPooling2D())\nmodel.add(Flatten())\nmodel.add(Dense(10))\nmodel.add(Activation('softmax'))\nmodel.compile(loss='categorical_crossentropy', optimizer='adam')\nmodel.fit(x_train, y_train, nb_epoch=3)\n`;
    const r = checkSource(src, { rules: cifar });
    expect(r.errors).toEqual([]);
    expect(r.spec?.layers[0]).toMatchObject({ kernelSize: [3, 3], strides: [1, 1], padding: 'same' });
    expect(r.training?.epochs).toBe(3);
    expect(diags(r, 'legacy-kernel-size')[0]?.message).toMatch(/read as Keras 2 did, a 3×3 kernel/);
  });

  it('other libraries may be imported (with a note); a value from them that reaches the model is named', () => {
    const ok = check(`import os\nimport cv2\nimport pandas as pd\nimport seaborn as sns\n${withLayers('Input((4,)), Dense(3)')}`);
    expect(ok.errors).toEqual([]);
    expect(diags(ok, 'foreign-import').map((d) => d.line)).toEqual([1, 2, 3, 4]);
    const flows = `import pandas as pd\nsizes = pd.read_csv('sizes.csv')\n${withLayers('Input((4,)), Dense(sizes)')}`;
    expect(messages(flows)).toEqual(["4:24 Dense(): 'units' must be an integer, got the result of pandas.read_csv()."]);
  });
});
