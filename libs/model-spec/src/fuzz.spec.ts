import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ZCheckResult, ZDiagnostic, ZModelSpec } from '@epoch/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSource, type TCheckReport } from './check-source';
import { LESSON_FIXTURES } from './fixtures';

const realWorld = ['02-keras2-cifar10-augmentation.py', '17-resnet20-functional.py', '37-build-with-input-shape-default.py'].map((f) =>
  readFileSync(new URL(`../fixtures/real-world/${f}`, import.meta.url), 'utf8'),
);
const sources = [...Object.values(LESSON_FIXTURES).map((u) => readFileSync(fileURLToPath(u), 'utf8')), ...realWorld];

/** Every answer, for any input: valid against the schemas, diagnostics inside the source, within a second. */
function checkedWell(source: string): boolean {
  const t0 = performance.now();
  let r: TCheckReport;
  try {
    r = checkSource(source);
  } catch (e) {
    throw new Error(`checkSource threw on ${JSON.stringify(source.slice(0, 200))}: ${String(e)}`);
  }
  const ms = performance.now() - t0;
  if (ms > 1000) throw new Error(`checkSource took ${ms.toFixed(0)} ms`);
  const { ok, errors, warnings, model, training, hash } = r;
  ZCheckResult.parse({ ok, errors, warnings, model, training, hash });
  for (const d of r.diagnostics) ZDiagnostic.parse(d);
  if (r.spec) ZModelSpec.parse(r.spec);
  if (ok !== (errors.length === 0 && r.spec !== undefined)) throw new Error('ok disagrees with the errors');
  const lines = source.split('\n').length;
  for (const d of r.diagnostics) if (d.line > lines) throw new Error(`diagnostic on line ${d.line} of ${lines}`);
  if (r.diagnostics.some((d) => d.code === 'internal-error'))
    throw new Error(`internal error: ${r.diagnostics.find((d) => d.code === 'internal-error')?.message}`);
  return true;
}

const TOKENS = [
  'model',
  'model3',
  '=',
  '(',
  ')',
  '[',
  ']',
  ',',
  '.',
  ':',
  '\n',
  '    ',
  ' ',
  'Sequential',
  'Conv2D',
  'Dense',
  'Input',
  'Flatten',
  'MaxPooling2D',
  'BatchNormalization',
  'Dropout',
  'Reshape',
  'ZeroPadding2D',
  'Lambda',
  'tf',
  'keras',
  'layers',
  'compile',
  'fit',
  'add',
  'summary',
  'epochs',
  'padding',
  "'same'",
  "'valid'",
  "'adam'",
  "'sgd'",
  'optimizer',
  'loss',
  "'categorical_crossentropy'",
  'train_data',
  '0',
  '1',
  '-1',
  '3',
  '32',
  '0.5',
  '1e309',
  '10**1000',
  'None',
  'True',
  'for',
  'in',
  'range',
  'if',
  'def',
  'lambda',
  'return',
  '#',
  '"',
  "'",
  '*',
  '**',
  '__class__',
  'import',
  'from',
  'os',
  'eval',
  'INPUT_SHAPE',
  'class_num',
  'len',
  'class_names',
  '%',
  '!',
  '\\',
  '\t',
  '=',
  '+',
  '//',
  'Activation',
  "'relu'",
  "'softmax'",
  'input_shape',
  'kernel_size',
  'strides',
  'def',
  'return',
  'while',
  'Model',
  'keras.Input',
  '(x)',
  'x',
  'layers.add',
  'load_data()',
  '255.',
  '1.e',
  '__name__',
  "'__main__'",
  '[1:]',
  '.shape',
  'Rescaling',
  'RandomFlip',
  'Concatenate',
  'decay',
  '\0',
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 120 }).map((t) => t.join(''));

/** A fixture with a few random edits: deletions, duplications and inserted tokens. */
const mutated = fc
  .tuple(
    fc.constantFrom(...sources),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...TOKENS), fc.constantFrom('delete', 'insert', 'duplicate')), {
      minLength: 1,
      maxLength: 6,
    }),
  )
  .map(([src, edits]) => {
    let s = src;
    for (const [pos, len, tok, kind] of edits) {
      const at = pos % (s.length + 1);
      if (kind === 'delete') s = s.slice(0, at) + s.slice(at + len);
      else if (kind === 'insert') s = s.slice(0, at) + tok + s.slice(at);
      else s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
    }
    return s;
  });

describe('fuzz: any input gets diagnostics, never an exception or a hang', () => {
  it('mutated lesson solutions', () => {
    fc.assert(fc.property(mutated, checkedWell), { numRuns: 1500 });
  }, 30_000);

  it('random token soup and random text', () => {
    fc.assert(fc.property(tokenSoup, checkedWell), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), checkedWell), { numRuns: 1000 });
  }, 30_000);

  it('adversarial inputs at the size limit stay fast', () => {
    const limit = 64 * 1024;
    const cases = [
      '('.repeat(limit),
      '['.repeat(limit / 2) + ']'.repeat(limit / 2),
      `x = ${'('.repeat(30000)}1${')'.repeat(30000)}`,
      `x = ${'-'.repeat(60000)}1`,
      `x = ${'1 + '.repeat(16000)}1`,
      `x = ${'a.'.repeat(30000)}b`,
      `x = ${'f('.repeat(20000)}`,
      'model = Sequential([' + 'Dense(1),'.repeat(7000) + '])',
      `model = Sequential([Input((${'9999,'.repeat(8)})), Flatten(), Dense(99999)])\nmodel.compile('adam','mse')\nmodel.fit(train_data, epochs=10**100)`,
      `x = [0] * 10**9\ny = 'a' * 10**9\nz = 10 ** 10 ** 10`,
      "'''" + 'a'.repeat(60000),
      'if x:\n' + '  '.repeat(1).concat('if x:\n').repeat(3000),
      '\n'.repeat(limit),
      'def f(n):\n    return f(n) + f(n)\nx = f(1)\n',
      'model = Sequential()\nfor i in range(1000):\n    for j in range(1000):\n        model.add(Dense(1))\n',
      'def g(x):\n    for i in range(999):\n        x = layers.Dense(1)(x)\n    return x\nx = keras.Input((4,))\nfor k in range(999):\n    x = g(x)\n',
      `x = keras.Input((99999, 99999, 3))\n${'x = layers.Conv2D(512, 31, padding="same")(x)\n'.repeat(90)}m = keras.Model(x, x)\n`,
      'é'.repeat(limit / 2),
    ];
    for (const c of cases) expect(checkedWell(c)).toBe(true);
  }, 30_000);
});
