import type { TActivation, TInitializer, TLossSpec, TOptimizerName, TOptimizerSpec, TRegularizer } from '@epoch/contracts';
import { ArgReader, bindArgs, type TCallArgs, type TParam } from './call-args';
import type { TSpan } from './diagnostic-sink';
import type { TDiagnosticSink } from './diagnostic-types';
import { ACTIVATION_NAMES, LEGACY_OPTIMIZER_ALIASES, LOSS_NAMES, OPTIMIZER_CLASSES, closest, snakeCase } from './keras-symbols';
import { NONE, bool, describe, isReported, num, reported, str, type TValue } from './values';

const f = (name: string, value: number): TParam => ({ name, default: num(value) });
const b = (name: string, value: boolean): TParam => ({ name, default: bool(value) });
const n = (name: string): TParam => ({ name, default: NONE });

// ---------------------------------------------------------------- activations

export function activationFrom(v: TValue, where: string, span: TSpan, sink: TDiagnosticSink): TActivation | undefined {
  if (isReported(v)) return undefined;
  if (v.kind === 'none') return 'linear';
  if (v.kind === 'activation') return v.name;
  if (v.kind === 'string') {
    const found = ACTIVATION_NAMES.find((a) => a === v.value);
    if (found) return found;
    const hint = closest(v.value, ACTIVATION_NAMES);
    sink.error(
      'unsupported-value',
      span,
      `${where}: activation ${describe(v)} is not supported${hint ? ` (did you mean '${hint}'?)` : ''}. Supported: ${ACTIVATION_NAMES.join(', ')}.`,
    );
    return undefined;
  }
  sink.error('unsupported-value', span, `${where}: activation must be a name such as 'relu' or 'softmax', got ${describe(v)}.`);
  return undefined;
}

/** `tf.nn.relu`, `keras.activations.softmax`, ... used as values. */
export function activationSymbol(path: string): TActivation | undefined {
  const m = /^(?:keras\.activations|tf\.nn|tf\.math)\.(\w+)$/.exec(path);
  return ACTIVATION_NAMES.find((a) => a === m?.[1]);
}

// ---------------------------------------------------------------- initializers

type TInitName = TInitializer['name'];
const INIT_PARAMS: Record<TInitName, TParam[]> = {
  glorot_uniform: [n('seed')],
  glorot_normal: [n('seed')],
  he_uniform: [n('seed')],
  he_normal: [n('seed')],
  lecun_uniform: [n('seed')],
  lecun_normal: [n('seed')],
  zeros: [],
  ones: [],
  constant: [f('value', 0)],
  random_normal: [f('mean', 0), f('stddev', 0.05), n('seed')],
  random_uniform: [f('minval', -0.05), f('maxval', 0.05), n('seed')],
  truncated_normal: [f('mean', 0), f('stddev', 0.05), n('seed')],
  orthogonal: [f('gain', 1), n('seed')],
  identity: [f('gain', 1)],
};
const INIT_ALIASES: Record<string, TInitName> = { uniform: 'random_uniform', normal: 'random_normal', zero: 'zeros', one: 'ones' };
const INIT_NAMES = Object.keys(INIT_PARAMS) as TInitName[];

function initializerName(s: string): TInitName | undefined {
  const snake = snakeCase(s);
  return INIT_NAMES.find((x) => x === s || x === snake) ?? INIT_ALIASES[s];
}

function defaultConfig(params: readonly TParam[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const p of params) out[p.name] = p.default?.kind === 'number' ? p.default.value : null;
  return out;
}

export function initializerFrom(v: TValue, where: string, span: TSpan, sink: TDiagnosticSink): TInitializer | undefined {
  if (isReported(v)) return undefined;
  if (v.kind === 'initializer') return v.value;
  if (v.kind === 'string') {
    const name = initializerName(v.value);
    if (name) return { name, config: defaultConfig(INIT_PARAMS[name]) };
    sink.error('unsupported-value', span, `${where}: initializer ${describe(v)} is not supported. Supported: ${INIT_NAMES.join(', ')}.`);
    return undefined;
  }
  sink.error('unsupported-value', span, `${where}: an initializer must be a name such as 'he_normal' or a keras.initializers object, got ${describe(v)}.`);
  return undefined;
}

// ---------------------------------------------------------------- regularizers

const REG_PARAMS: Record<'L1' | 'L2' | 'L1L2', TParam[]> = { L1: [f('l1', 0.01)], L2: [f('l2', 0.01)], L1L2: [f('l1', 0), f('l2', 0)] };
const REG_CLASS: Record<string, 'L1' | 'L2' | 'L1L2'> = { L1: 'L1', l1: 'L1', L2: 'L2', l2: 'L2', L1L2: 'L1L2', l1_l2: 'L1L2' };

export function regularizerFrom(v: TValue, where: string, span: TSpan, sink: TDiagnosticSink): TRegularizer | undefined {
  if (isReported(v)) return undefined;
  if (v.kind === 'none') return null;
  if (v.kind === 'regularizer') return v.value;
  if (v.kind === 'string') {
    const cls = REG_CLASS[v.value];
    if (cls === 'L1') return { l1: 0.01, l2: 0 };
    if (cls === 'L2') return { l1: 0, l2: 0.01 };
    if (cls === 'L1L2') return { l1: 0, l2: 0 };
  }
  sink.error('unsupported-value', span, `${where}: a regularizer must be 'l1', 'l2', 'l1_l2' or keras.regularizers.L1/L2/L1L2(...), got ${describe(v)}.`);
  return undefined;
}

// ---------------------------------------------------------------- optimizers

const lr = (v: number): TParam => f('learning_rate', v);
const OPT_PARAMS: Record<TOptimizerName, TParam[]> = {
  sgd: [lr(0.01), f('momentum', 0), b('nesterov', false)],
  adam: [lr(0.001), f('beta_1', 0.9), f('beta_2', 0.999), f('epsilon', 1e-7), b('amsgrad', false)],
  adamw: [lr(0.001), f('weight_decay', 0.004), f('beta_1', 0.9), f('beta_2', 0.999), f('epsilon', 1e-7), b('amsgrad', false)],
  rmsprop: [lr(0.001), f('rho', 0.9), f('momentum', 0), f('epsilon', 1e-7), b('centered', false)],
  adagrad: [lr(0.001), f('initial_accumulator_value', 0.1), f('epsilon', 1e-7)],
  adadelta: [lr(0.001), f('rho', 0.95), f('epsilon', 1e-7)],
  adamax: [lr(0.001), f('beta_1', 0.9), f('beta_2', 0.999), f('epsilon', 1e-7)],
  nadam: [lr(0.001), f('beta_1', 0.9), f('beta_2', 0.999), f('epsilon', 1e-7)],
};
/** Keras's base-optimizer arguments, after each optimizer's own. Only the clipping ones are trained with. */
const OPT_COMMON: TParam[] = [
  n('weight_decay'),
  n('clipnorm'),
  n('clipvalue'),
  n('global_clipnorm'),
  b('use_ema', false),
  f('ema_momentum', 0.99),
  n('ema_overwrite_frequency'),
  n('loss_scale_factor'),
  n('gradient_accumulation_steps'),
];
const OPT_NAMES = Object.keys(OPT_PARAMS) as TOptimizerName[];

export function optimizerByName(s: string): TOptimizerName | undefined {
  return OPT_NAMES.find((o) => o === s.toLowerCase());
}

/** Keras accepts optimizer names in any case (`'adam'`, `'Adam'`, `'SGD'`). */
export function optimizerFrom(v: TValue, span: TSpan, sink: TDiagnosticSink): TOptimizerSpec | undefined {
  if (isReported(v)) return undefined;
  if (v.kind === 'optimizer') return v.spec;
  if (v.kind === 'string') {
    const name = optimizerByName(v.value);
    if (name) return buildOptimizer(name, { callee: v.value, span, positional: [], keywords: [] }, sink);
    const hint = closest(v.value, Object.keys(OPTIMIZER_CLASSES));
    sink.error(
      'unsupported-value',
      span,
      `compile(): optimizer ${describe(v)} is not supported${hint ? ` (did you mean '${hint}'?)` : ''}. Supported: ${Object.keys(OPTIMIZER_CLASSES).join(', ')}.`,
    );
    return undefined;
  }
  sink.error(
    'unsupported-value',
    span,
    `compile(): optimizer must be a name such as 'adam' or an optimizer such as keras.optimizers.Adam(...), got ${describe(v)}.`,
  );
  return undefined;
}

export function buildOptimizer(name: TOptimizerName, call: TCallArgs, sink: TDiagnosticSink): TOptimizerSpec | undefined {
  const own = OPT_PARAMS[name];
  const params = [...own, ...OPT_COMMON.filter((p) => !own.some((o) => o.name === p.name))];
  // Keras 2 spelled the learning rate `lr`; accepted with a note so old notebooks still check.
  const legacy = call.keywords.find((k) => k.name === 'lr');
  if (legacy) {
    if (call.keywords.some((k) => k.name === 'learning_rate')) {
      sink.error('unsupported-argument', legacy.nameSpan, `${call.callee}(): give either learning_rate= or the old lr=, not both.`);
      return undefined;
    }
    sink.info(
      'deprecated-argument',
      legacy.nameSpan,
      `${call.callee}(): 'lr' is Keras 2's name of 'learning_rate' (current Keras rejects it); read as learning_rate=.`,
    );
    call = { ...call, keywords: call.keywords.map((k) => (k === legacy ? { ...k, name: 'learning_rate' } : k)) };
  }
  // Keras 2's decay=: the learning rate of step t is lr / (1 + decay * t). Kept only when it changes anything, so
  // specs without it (and their hashes) stay as they were.
  let decay = 0;
  const decayArg = call.keywords.find((k) => k.name === 'decay');
  if (decayArg) {
    const v = decayArg.value;
    if (v.kind !== 'number' || !Number.isFinite(v.value) || v.value < 0) {
      sink.error(
        'unsupported-value',
        decayArg.span,
        `${call.callee}(): decay must be a number of at least 0 (Keras 2's learning-rate decay), got ${describe(v)}.`,
      );
      return undefined;
    }
    decay = v.value;
    if (decay > 0)
      sink.info(
        'legacy-decay',
        decayArg.nameSpan,
        `${call.callee}(): decay=${describe(v)} is Keras 2's learning-rate decay (the rate of step t is learning_rate / (1 + decay × t)); Epoch trains with it as Keras 2 did.`,
      );
    call = { ...call, keywords: call.keywords.filter((k) => k !== decayArg) };
  }
  // Keras 2 defaulted epsilon to None (meaning its backend's 1e-7).
  call = { ...call, keywords: call.keywords.filter((k) => !(k.name === 'epsilon' && k.value.kind === 'none')) };
  const bound = bindArgs(call, params, sink, ['name']);
  if (!bound) return undefined;
  const r = new ArgReader(call, bound, sink);
  const lrValue = r.raw('learning_rate');
  if (lrValue.kind !== 'number') {
    r.fail('learning_rate', `learning_rate must be a positive number (schedules are not supported), got ${describe(lrValue)}.`);
    return undefined;
  }
  const learningRate = r.number('learning_rate', { min: 0, minExclusive: true, max: 10 });
  const config: Record<string, number | boolean | null> = {};
  for (const p of own) {
    if (p.name === 'learning_rate') continue;
    if (p.default?.kind === 'bool') config[p.name] = r.bool(p.name) ?? null;
    else config[p.name] = r.number(p.name, { min: 0 }) ?? null;
  }
  for (const k of ['weight_decay', 'clipnorm', 'clipvalue', 'global_clipnorm']) {
    if (k in config) continue;
    config[k] = r.optionalNumber(k, { min: 0 }) ?? null;
  }
  r.mustBeDefault('use_ema', (v) => v.kind === 'bool' && !v.value, 'exponential moving averages are not trained');
  for (const k of ['ema_overwrite_frequency', 'loss_scale_factor', 'gradient_accumulation_steps'])
    r.mustBeDefault(k, (v) => v.kind === 'none', "not used by Epoch's trainer");
  if (!r.ok || learningRate === undefined) return undefined;
  if (decay > 0) config.decay = decay;
  return { name, learningRate, config };
}

// ---------------------------------------------------------------- losses and metrics

export function lossFrom(v: TValue, span: TSpan, sink: TDiagnosticSink): TLossSpec | undefined {
  if (isReported(v)) return undefined;
  if (v.kind === 'loss') return v.spec;
  if (v.kind === 'string') {
    const name = LOSS_NAMES[v.value];
    if (name) return { name, fromLogits: false, labelSmoothing: 0 };
    const hint = closest(v.value, Object.keys(LOSS_NAMES));
    sink.error(
      'unsupported-value',
      span,
      `compile(): loss ${describe(v)} is not supported${hint ? ` (did you mean '${hint}'?)` : ''}. Supported: categorical_crossentropy, sparse_categorical_crossentropy, mean_squared_error, kl_divergence.`,
    );
    return undefined;
  }
  if (v.kind === 'none') {
    sink.error('missing-argument', span, "compile() needs a loss, e.g. loss='categorical_crossentropy'.");
    return undefined;
  }
  sink.error('unsupported-value', span, `compile(): loss must be a name such as 'categorical_crossentropy' or a keras.losses object, got ${describe(v)}.`);
  return undefined;
}

export function buildLoss(cls: string, call: TCallArgs, sink: TDiagnosticSink): TLossSpec | undefined {
  const name = LOSS_NAMES[cls];
  if (!name) return undefined;
  const reduction: TParam = { name: 'reduction', default: str('sum_over_batch_size') };
  const params: TParam[] =
    name === 'categorical_crossentropy'
      ? [b('from_logits', false), f('label_smoothing', 0), f('axis', -1), reduction]
      : name === 'sparse_categorical_crossentropy'
        ? [b('from_logits', false), n('ignore_class'), reduction]
        : [reduction];
  const bound = bindArgs(call, params, sink, ['name', 'dtype']);
  if (!bound) return undefined;
  const r = new ArgReader(call, bound, sink);
  const fromLogits = bound.has('from_logits') ? r.bool('from_logits') : false;
  const labelSmoothing = bound.has('label_smoothing') ? r.number('label_smoothing', { min: 0, max: 1 }) : 0;
  r.mustBeDefault('axis', (v) => v.kind === 'number' && v.value === -1, 'only the last axis holds the classes');
  r.mustBeDefault('ignore_class', (v) => v.kind === 'none', 'every class is scored');
  r.mustBeDefault('reduction', (v) => v.kind === 'string' && v.value === 'sum_over_batch_size', 'the loss is always averaged over the batch');
  if (!r.ok || fromLogits === undefined || labelSmoothing === undefined) return undefined;
  return { name, fromLogits, labelSmoothing };
}

export function metricsFrom(v: TValue, span: TSpan, sink: TDiagnosticSink): string[] | undefined {
  if (isReported(v)) return undefined;
  if (v.kind === 'none') return [];
  const items = v.kind === 'seq' ? v.items : [v];
  const out: string[] = [];
  for (const item of items) {
    if (isReported(item)) return undefined;
    if (item.kind === 'metric') out.push(item.name);
    else if (item.kind === 'string' && /^[A-Za-z_]\w{0,63}$/.test(item.value)) out.push(item.value === 'acc' ? 'accuracy' : item.value);
    else {
      sink.error('unsupported-value', span, `compile(): metrics must be names such as 'accuracy', got ${describe(item)}.`);
      return undefined;
    }
  }
  return out;
}

// ---------------------------------------------------------------- constructors by path

/**
 * Constructs keras.optimizers / losses / initializers / regularizers / metrics objects. Returns null when `path` is
 * none of those (the caller then tries layers and models).
 */
export function constructObject(path: string, call: TCallArgs, sink: TDiagnosticSink): TValue | null {
  const m = /^keras\.(optimizers|losses|initializers|regularizers|metrics)\.(\w+)$/.exec(path);
  if (!m) return null;
  const [, ns = '', cls = ''] = m;
  const fail = (why: string): TValue => reported(why);
  switch (ns) {
    case 'optimizers': {
      const legacyClass = LEGACY_OPTIMIZER_ALIASES[cls];
      if (legacyClass) sink.info('legacy-optimizer', call.span, `keras.optimizers.${cls} is Keras 2's alias of ${legacyClass}; read as ${legacyClass}.`);
      const name = OPTIMIZER_CLASSES[legacyClass ?? cls] as TOptimizerName | undefined;
      if (!name) {
        sink.error('unsupported-value', call.span, `keras.optimizers.${cls} is not supported. Supported: ${Object.keys(OPTIMIZER_CLASSES).join(', ')}.`);
        return fail(`an unsupported optimizer ${cls}`);
      }
      const spec = buildOptimizer(name, call, sink);
      return spec ? { kind: 'optimizer', spec } : fail(`an invalid ${cls} optimizer`);
    }
    case 'losses': {
      if (!LOSS_NAMES[cls] || cls === 'mse' || /^[a-z]/.test(cls)) {
        sink.error(
          'unsupported-value',
          call.span,
          `keras.losses.${cls}() is not supported; use CategoricalCrossentropy, SparseCategoricalCrossentropy, MeanSquaredError or KLDivergence (or the loss's name as a string).`,
        );
        return fail(`an unsupported loss ${cls}`);
      }
      const spec = buildLoss(cls, call, sink);
      return spec ? { kind: 'loss', spec } : fail(`an invalid ${cls} loss`);
    }
    case 'initializers': {
      const name = initializerName(cls);
      if (!name) {
        sink.error('unsupported-value', call.span, `keras.initializers.${cls} is not supported. Supported: ${INIT_NAMES.join(', ')}.`);
        return fail(`an unsupported initializer ${cls}`);
      }
      const bound = bindArgs(call, INIT_PARAMS[name], sink, ['dtype']);
      if (!bound) return fail(`an invalid ${cls} initializer`);
      const r = new ArgReader(call, bound, sink);
      const config: Record<string, number | null> = {};
      for (const p of INIT_PARAMS[name])
        config[p.name] = p.name === 'seed' ? (r.optionalNumber(p.name, { int: true, min: 0 }) ?? null) : (r.number(p.name) ?? null);
      return r.ok ? { kind: 'initializer', value: { name, config } } : fail(`an invalid ${cls} initializer`);
    }
    case 'regularizers': {
      const reg = REG_CLASS[cls];
      if (!reg) {
        sink.error('unsupported-value', call.span, `keras.regularizers.${cls} is not supported; use L1, L2 or L1L2.`);
        return fail(`an unsupported regularizer ${cls}`);
      }
      const bound = bindArgs(call, REG_PARAMS[reg], sink);
      if (!bound) return fail(`an invalid ${cls} regularizer`);
      const r = new ArgReader(call, bound, sink);
      const l1 = bound.has('l1') ? r.number('l1', { min: 0 }) : 0;
      const l2 = bound.has('l2') ? r.number('l2', { min: 0 }) : 0;
      return r.ok && l1 !== undefined && l2 !== undefined ? { kind: 'regularizer', value: { l1, l2 } } : fail(`an invalid ${cls} regularizer`);
    }
    case 'metrics': {
      const named = call.keywords.find((k) => k.name === 'name');
      return { kind: 'metric', name: named?.value.kind === 'string' ? named.value.value : snakeCase(cls) };
    }
    default:
      return null;
  }
}
