import { describe, expect, it } from 'vitest';
import { checkSource } from './check-source';
import { check, diags, withLayers } from './test-helpers';

const first = (src: string) => check(src).errors[0];

describe('syntax errors point at the real problem', () => {
  it('an unclosed bracket is reported where it opens', () => {
    const src = "model = Sequential([\n    Dense(10),\n    Dense(10, activation='softmax')\n\nmodel.compile('adam', 'mse')\n";
    expect(first(src)).toEqual({ line: 1, column: 20, message: 'Syntax error: `[` is opened here but never closed.' });
  });

  it('a stray closing bracket and a mismatched one', () => {
    expect(first('x = (1, 2))\n')).toMatchObject({ line: 1, column: 11, message: expect.stringMatching(/closes a bracket that was never opened/) });
    expect(first('x = [1, 2)\n')).toMatchObject({ line: 1, column: 10, message: expect.stringMatching(/does not match the `\[`/) });
  });

  it('a missing comma between arguments', () => {
    const e = first('model = Sequential([Dense(10) Dense(5)])\n');
    expect(e).toMatchObject({ line: 1 });
    expect(e?.message).toMatch(/Syntax error/);
  });

  it('unclosed strings, bad indentation and a missing colon', () => {
    expect(first("x = 'abc\ny = 2\n")).toEqual({ line: 1, column: 5, message: "Syntax error: this string is never closed (add the closing `'`)." });
    expect(first("model = Sequential([Dense(10)])\n  model.compile('adam', 'mse')\n")).toMatchObject({
      line: 2,
      column: 3,
      message: expect.stringMatching(/unexpected indentation/),
    });
    expect(first('for i in range(3):\nprint(i)\n')).toMatchObject({ line: 2, column: 1, message: expect.stringMatching(/expected an indented block/) });
    expect(first('if True:\n    x = 1\n  y = 2\n')).toMatchObject({ line: 3, column: 3, message: expect.stringMatching(/does not match any outer block/) });
    expect(first('for i in range(3)\n    print(i)\n')).toEqual({
      line: 1,
      column: 18,
      message: "Syntax error: this line ends unexpectedly; is the ':' missing at its end?",
    });
    expect(check("s = '''a\n  b'''\nt = (1,\n      2) + (3,)\nu = 1 + \\\n      2\n" + withLayers('Dense(3)')).ok).toBe(true);
  });

  it('a statement that ends early', () => {
    const e = first('x = \ny = 2\n');
    expect(e?.line).toBe(1);
    expect(e?.message).toMatch(/Syntax error/);
  });
});

describe('layers and values the checker does not support', () => {
  it('names an unknown layer, suggests the close one and lists the supported ones', () => {
    const r = check(withLayers('Input((4,)), Dense(3), Dens(2)'));
    const e = diags(r, 'unknown-layer')[0];
    expect(e).toMatchObject({ line: 2, column: 28, severity: 'error' });
    expect(e?.message).toMatch(/Unknown layer Dens \(did you mean Dense\?\)\. Supported layers: Input, Conv2D, MaxPooling2D/);
    expect(r.ok).toBe(false);
  });

  it('names a Keras layer that exists but is not supported', () => {
    expect(diags(check(withLayers('Input((4, 4)), LSTM(3)')), 'unsupported-layer')[0]?.message).toMatch(/The layer LSTM is not supported by Epoch/);
  });

  it("padding='sideways' and other bad values, at the argument", () => {
    const r = check(withLayers("Input((8, 8, 3)), Conv2D(4, 3, padding='sideways')"));
    expect(r.errors).toEqual([{ line: 2, column: 44, message: "Conv2D(): padding='sideways' is not supported; use one of 'valid', 'same'." }]);
    expect(first(withLayers("Input((4,)), Dense(3, activation='relux')"))?.message).toMatch(/activation 'relux' is not supported \(did you mean 'relu'\?\)/);
    expect(first(withLayers('Input((4,)), Dense(-3)'))?.message).toMatch(/'units' must be at least 1/);
    expect(first(withLayers('Input((4,)), Dense(3.5)'))?.message).toMatch(/'units' must be an integer/);
    expect(first(withLayers('Input((4,)), Dropout(1.5)'))?.message).toMatch(/dropout rate must be below 1/);
    expect(first(withLayers('Input((4,)), Dense(3, unit=4)'))?.message).toMatch(/unexpected keyword argument 'unit'/);
    expect(first(withLayers('Input((4,)), Dense()'))?.message).toMatch(/missing its required argument 'units'/);
    expect(first(withLayers("Input((8, 8, 3)), Conv2D(4, 3, data_format='channels_first')"))?.message).toMatch(/channels_last/);
    expect(first(withLayers('Input((4,)), Dense(3, kernel_constraint=max_norm(2))'))?.message).toMatch(/kernel_constraint=.* is not supported/);
    expect(first(withLayers('Input((4,)), Dense(*sizes)'))?.message).toMatch(/unpacking is not supported/);
  });

  it('a non-layer item in the model', () => {
    expect(first(withLayers("Input((4,)), 'dense'"))?.message).toMatch(/expected a layer such as Dense\(10\), got 'dense'/);
    expect(first(withLayers('Input((4,)), Dense(3), Input((4,))'))?.message).toMatch(/Input must be the first item/);
  });
});

describe('anything that would run code is refused', () => {
  const notAllowed = (src: string) => diags(check(src), 'not-allowed');

  it('Lambda layers', () => {
    const d = notAllowed(withLayers('Input((4,)), Lambda(lambda x: x * 2), Dense(3)'));
    expect(d[0]?.message).toMatch(/`Lambda` is not allowed: it runs arbitrary Python code/);
    expect(d[0]).toMatchObject({ line: 2, column: 18 });
  });

  it('os.system, open, __import__, eval, exec, dunder access and modules that run programs', () => {
    const os = check("import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '2'\nos.system('rm -rf /')\n" + withLayers('Input((4,)), Dense(3)'));
    expect(diags(os, 'not-allowed').map((d) => [d.line, d.column, d.message])).toEqual([
      [3, 1, '`os.system()` is not allowed: it would run a program or change files, and submitted code must only describe a model.'],
    ]);
    expect(notAllowed("data = open('/etc/passwd').read()\n")[0]?.message).toMatch(/`open\(\)` is not allowed/);
    expect(notAllowed("m = __import__('os')\n")[0]?.message).toMatch(/`__import__` is not allowed/);
    expect(notAllowed("eval('1+1')\n")[0]?.message).toMatch(/`eval\(\)` is not allowed/);
    expect(notAllowed("exec('x=1')\n")[0]?.message).toMatch(/`exec\(\)` is not allowed/);
    expect(notAllowed('x = model.__class__\n')[0]?.message).toMatch(/`__class__` is not allowed/);
    expect(notAllowed('from subprocess import run\n')[0]?.message).toMatch(/Importing `subprocess` is not allowed: it exists to run programs/);
    expect(notAllowed('import pickle\n')[0]?.message).toMatch(/Importing `pickle` is not allowed/);
    expect(notAllowed('import numpy as np\nimport matplotlib.pyplot as plt\nimport tensorflow_datasets as tfds\n')).toEqual([]);
  });

  it('comprehensions and functions that feed the model', () => {
    expect(notAllowed("model = Sequential([Dense(n) for n in (64, 10)])\nmodel.compile('adam', 'mse')\nmodel.fit(train_data)\n")[0]?.message).toMatch(
      /Sequential\(\): the layers come from a comprehension, which the checker does not run/,
    );
    const decorated =
      "@tf.function\ndef build():\n    return [Dense(10)]\n\nmodel = Sequential(build())\nmodel.compile('adam', 'mse')\nmodel.fit(train_data)\n";
    expect(notAllowed(decorated)[0]?.message).toMatch(
      /Sequential\(\): the layers come from the result of your function build\(\), which the checker cannot run: it is decorated/,
    );
    expect(notAllowed(withLayers('Input((4,)), Dense(3)', 'sizes = lambda: 3\nsizes()\n'))).toEqual([]);
    expect(notAllowed('sizes = lambda: 3\n' + withLayers('Input((4,)), Dense(sizes())'))[0]?.message).toMatch(/comes from the result of calling a lambda/);
    expect(
      notAllowed(
        "units = [n * 2 for n in range(3)]\nmodel = Sequential([Input((4,)), Dense(units[0])])\nmodel.compile('adam', 'mse')\nmodel.fit(train_data)\n",
      )[0]?.message,
    ).toMatch(/'units' must be an integer, but it comes from a comprehension/);
  });

  it('model.add() in a loop over values the checker cannot know, and layers made under an unknown condition, are errors', () => {
    const loop = "model = Sequential([Input((4,))])\nfor n in sizes:\n    model.add(Dense(n))\nmodel.compile('adam', 'mse')\nmodel.fit(train_data)\n";
    expect(diags(check(loop), 'unsupported-statement')[0]).toMatchObject({
      line: 2,
      column: 10,
      message: expect.stringMatching(
        /this loop builds the model, but it goes over `sizes`, which is not defined at this point: the checker runs loops only over a constant list/,
      ),
    });
    const cond = 'if use_extra:\n    extra = Dense(4)\n' + withLayers('Input((4,)), Dense(3)');
    expect(diags(check(cond), 'unsupported-statement')[0]?.message).toMatch(
      /created inside an if statement are not supported: the checker does not run it because its condition `use_extra` is not a constant/,
    );
    const plots = withLayers('Input((4,)), Dense(3)') + 'for i in range(25):\n    plt.subplot(5, 5, i + 1)\n';
    expect(check(plots).ok).toBe(true);
  });
});

describe('shapes, models and limits', () => {
  it('a shape that collapses to zero names the layer and its input', () => {
    const r = check(withLayers('Input((4, 4, 3)), MaxPooling2D(), MaxPooling2D(), MaxPooling2D()'));
    const e = diags(r, 'shape-collapse')[0];
    expect(e?.message).toMatch(/MaxPooling2D 'max_pooling2d_2': the 2×2 pool does not fit in its 1×1 input: the output would be 0×0/);
    expect(e?.line).toBe(2);
    expect(diags(check(withLayers('Input((4, 4, 3)), Conv2D(2, 5)')), 'shape-collapse')[0]?.message).toMatch(/5×5 kernel does not fit/);
    expect(first(withLayers('Input((4, 4, 3)), Flatten(), Conv2D(2, 3)'))?.message).toMatch(/Conv2D 'conv2d': expects an image input .* gets \(None, 48\)/);
  });

  it('no model, no compile, no fit', () => {
    expect(first("print('hello')\n")).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/^No model found/) });
    expect(diags(check('model = Sequential([Dense(3)])\nmodel.fit(train_data)\n'), 'no-compile')[0]?.message).toMatch(/model is never compiled/);
    expect(diags(check("model = Sequential([Dense(3)])\nmodel.compile('adam', 'mse')\n"), 'no-fit')[0]?.message).toMatch(/model is never trained/);
    // The hint suggests the exercise's own epoch count when the rules require one.
    const required = checkSource("model = Sequential([Dense(3)])\nmodel.compile('adam', 'mse')\n", { rules: { requiredEpochs: 30 } });
    expect(required.errors.find((e) => /never trained/.test(e.message))?.message).toMatch(/epochs=30\)/);
    expect(diags(check("model = Sequential([Dense(3)])\nmodel.fit(train_data)\nmodel.compile('adam', 'mse')\n"), 'fit-before-compile')).toHaveLength(1);
  });

  it('several models: the compiled-and-fitted one is checked, with an explanation', () => {
    const src =
      'draft = Sequential([Dense(99)])\n' +
      withLayers("Input((4,)), Dense(10, activation='softmax')") +
      "other = Sequential([Dense(5)])\nother.compile('adam', 'mse')\n";
    const r = check(src);
    expect(r.ok).toBe(true);
    expect(r.model?.layers[0]?.outputShape).toEqual([10]);
    expect(diags(r, 'several-models')[0]?.message).toMatch(
      /Several models are defined \(model, draft, other\); checking model, the one that is compiled and fitted/,
    );
  });

  it('model.summary() on an older model after defining a new one is a warning, as in the lesson', () => {
    const src =
      "model = Sequential([Input((4,)), Dense(3)])\nmodel.compile('sgd', 'mse')\nmodel.fit(train_data)\nmodel2 = Sequential([Input((4,)), Dense(10)])\nmodel2.compile('adam', 'mse')\nmodel.summary()\nmodel2.fit(train_data, epochs=2)\n";
    const r = check(src);
    expect(r.ok).toBe(true);
    expect(diags(r, 'stale-model')[0]).toMatchObject({
      line: 6,
      severity: 'warning',
      message: expect.stringMatching(/model\.summary\(\) shows `model`, not `model2` defined just before \(line 4\); did you mean model2\.summary\(\)\?/),
    });
    expect(r.training?.epochs).toBe(2);
    expect(diags(r, 'several-models')[0]?.message).toMatch(/checking model2, the last one that is compiled and fitted/);
  });

  it('an exception inside the checker becomes a diagnostic, never a crash', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    const r = checkSource(withLayers('Dense(3)'), { rules: hostile });
    expect(r.ok).toBe(false);
    expect(r.errors[0]?.message).toMatch(/The checker failed on this input \(a bug in Epoch, please report it\): boom/);
  });

  it('keras.Model needs an Input and a layer output', () => {
    expect(check('m = keras.Model(inputs=a, outputs=b)\n').errors.map((e) => e.message)).toContain(
      'Model(): inputs must be the Input(...) the layers are called on, got `a`, which is not defined at this point.',
    );
  });

  it('source size is checked first, with the limit in the message', () => {
    const r = check('#'.repeat(64 * 1024 + 1));
    expect(r.errors).toEqual([{ line: 1, column: 1, message: 'The source is over 65,537 bytes; the limit is 65,536 bytes (64 KiB).' }]);
    expect(check('# é\n'.repeat(14000)).errors[0]?.message).toMatch(/The source is 70,000 bytes/);
  });

  it('nesting depth, number of layers, parameters and epochs have limits', () => {
    expect(diags(check(`x = ${'('.repeat(300)}1${')'.repeat(300)}\n`), 'limit-exceeded')[0]?.message).toMatch(/nested too deeply/);
    const many = withLayers(['Input((4,))', ...Array.from({ length: 101 }, () => 'Dense(4)')].join(', '));
    expect(diags(check(many), 'rule-max-layers')[0]).toMatchObject({ message: 'The model has 101 layers; the limit is 100.', line: 2 });
    const tooMany = withLayers(['Input((4,))', ...Array.from({ length: 130 }, () => 'Dense(4)')].join(', '));
    expect(diags(check(tooMany), 'limit-exceeded')[0]?.message).toMatch(/creates more than 100 layers/);
    const big = check(withLayers('Input((32, 32, 3)), Flatten(), Dense(10000)'));
    expect(diags(big, 'rule-max-params')[0]?.message).toMatch(/The model has 30,730,000 parameters; the limit is 20,000,000/);
    expect(diags(check(withLayers('Input((4,)), Dense(3)').replace('epochs=5', 'epochs=500')), 'rule-max-epochs')[0]?.message).toMatch(
      /500 epochs; the limit is 200/,
    );
  });
});

describe('at most MAX_DIAGNOSTICS diagnostics', () => {
  it('keeps the first 100 in source order and counts the rest in one more, so thousands cost kilobytes', () => {
    // 300 notes, then an error (exec is refused) among the hidden ones.
    const r = checkSource(`${'x\n'.repeat(300)}exec("x")\n`);
    expect(r.diagnostics).toHaveLength(101);
    const lines = r.diagnostics.map((d) => d.line);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
    const more = r.diagnostics.at(-1)!;
    expect(more).toMatchObject({ code: 'more-diagnostics', severity: 'error' });
    expect(more.message).toMatch(/^\d+ more problems not shown \(1 error, \d+ notes\), from here on/);
    expect(more.line).toBeGreaterThanOrEqual(r.diagnostics[99]!.line);
    // The error among the hidden ones still makes the source not ok, and is counted, not lost.
    expect(r.ok).toBe(false);
    expect(r.errors.length).toBeLessThanOrEqual(101);
    expect(JSON.stringify(checkSource('x\n'.repeat(18_000)).diagnostics).length).toBeLessThan(40_000);
  });

  it('leaves a source with fewer alone', () => {
    expect(checkSource('x\n'.repeat(20)).diagnostics.every((d) => d.code !== 'more-diagnostics')).toBe(true);
  });
});
