import type { TLayerSpec } from '@epoch/contracts';
import { ArgReader, bindArgs, type TCallArgs, type TParam } from './call-args';
import type { TDiagnosticSink } from './diagnostic-types';
import { activationFrom, initializerFrom, regularizerFrom } from './keras-objects';
import type { TSupportedLayer } from './keras-symbols';
import { NONE, bool, describe, int, num, str, tuple, type TLayerInstance, type TValue } from './values';

const req = (name: string): TParam => ({ name, required: true });
const d = (name: string, value: TValue): TParam => ({ name, default: value });
const none = (name: string): TParam => d(name, NONE);
const pair = (a: number, b: number): TValue => tuple(int(a), int(b));

/** Keras's constructor signatures, in Keras's positional order (Keras 3). */
const SIGNATURES: Record<TSupportedLayer, TParam[]> = {
  Conv2D: [
    req('filters'),
    req('kernel_size'),
    d('strides', pair(1, 1)),
    d('padding', str('valid')),
    none('data_format'),
    d('dilation_rate', pair(1, 1)),
    d('groups', int(1)),
    none('activation'),
    d('use_bias', bool(true)),
    d('kernel_initializer', str('glorot_uniform')),
    d('bias_initializer', str('zeros')),
    none('kernel_regularizer'),
    none('bias_regularizer'),
    none('activity_regularizer'),
    none('kernel_constraint'),
    none('bias_constraint'),
  ],
  Dense: [
    req('units'),
    none('activation'),
    d('use_bias', bool(true)),
    d('kernel_initializer', str('glorot_uniform')),
    d('bias_initializer', str('zeros')),
    none('kernel_regularizer'),
    none('bias_regularizer'),
    none('activity_regularizer'),
    none('kernel_constraint'),
    none('bias_constraint'),
    none('lora_rank'),
  ],
  MaxPooling2D: [d('pool_size', pair(2, 2)), none('strides'), d('padding', str('valid')), none('data_format')],
  AveragePooling2D: [d('pool_size', pair(2, 2)), none('strides'), d('padding', str('valid')), none('data_format')],
  GlobalAveragePooling2D: [none('data_format'), d('keepdims', bool(false))],
  GlobalMaxPooling2D: [none('data_format'), d('keepdims', bool(false))],
  Flatten: [none('data_format')],
  Dropout: [req('rate'), none('noise_shape'), none('seed')],
  SpatialDropout2D: [req('rate'), none('data_format'), none('seed')],
  BatchNormalization: [
    d('axis', int(-1)),
    d('momentum', num(0.99)),
    d('epsilon', num(0.001)),
    d('center', bool(true)),
    d('scale', bool(true)),
    d('beta_initializer', str('zeros')),
    d('gamma_initializer', str('ones')),
    d('moving_mean_initializer', str('zeros')),
    d('moving_variance_initializer', str('ones')),
    none('beta_regularizer'),
    none('gamma_regularizer'),
    none('beta_constraint'),
    none('gamma_constraint'),
    d('synchronized', bool(false)),
  ],
  Activation: [req('activation')],
  ReLU: [none('max_value'), d('negative_slope', num(0)), d('threshold', num(0))],
  LeakyReLU: [d('negative_slope', num(0.3))],
  Reshape: [req('target_shape')],
  ZeroPadding2D: [d('padding', pair(1, 1)), none('data_format')],
  Rescaling: [req('scale'), d('offset', num(0))],
  Resizing: [
    req('height'),
    req('width'),
    d('interpolation', str('bilinear')),
    d('crop_to_aspect_ratio', bool(false)),
    d('pad_to_aspect_ratio', bool(false)),
    d('fill_mode', str('constant')),
    d('fill_value', num(0)),
    d('antialias', bool(false)),
    none('data_format'),
  ],
  Normalization: [d('axis', int(-1)), none('mean'), none('variance'), d('invert', bool(false))],
  RandomFlip: [d('mode', str('horizontal_and_vertical')), none('seed')],
  RandomRotation: [
    req('factor'),
    d('fill_mode', str('reflect')),
    d('interpolation', str('bilinear')),
    none('seed'),
    d('fill_value', num(0)),
    none('data_format'),
  ],
  RandomZoom: [
    req('height_factor'),
    none('width_factor'),
    d('fill_mode', str('reflect')),
    d('interpolation', str('bilinear')),
    none('seed'),
    d('fill_value', num(0)),
    none('data_format'),
  ],
  RandomTranslation: [
    req('height_factor'),
    req('width_factor'),
    d('fill_mode', str('reflect')),
    d('interpolation', str('bilinear')),
    none('seed'),
    d('fill_value', num(0)),
    none('data_format'),
  ],
  RandomCrop: [req('height'), req('width'), none('seed'), none('data_format')],
  Softmax: [d('axis', int(-1))],
  Add: [],
  Subtract: [],
  Multiply: [],
  Average: [],
  Maximum: [],
  Minimum: [],
  Concatenate: [d('axis', int(-1))],
};

/** Keras 1 argument names that Keras 2 still accepted (with a warning), and what they are called now. */
const KERAS1_NAMES: Record<string, string> = {
  border_mode: 'padding',
  subsample: 'strides',
  init: 'kernel_initializer',
  W_regularizer: 'kernel_regularizer',
  b_regularizer: 'bias_regularizer',
  output_dim: 'units',
  nb_filter: 'filters',
  p: 'rate',
};

/** Keras's base-Layer keyword arguments (**kwargs). */
const LAYER_KWARGS = ['name', 'input_shape', 'input_dim', 'dtype', 'trainable', 'batch_size'];

const isNone = (v: TValue): boolean => v.kind === 'none';

/** Builds one layer from its call; null when the arguments are wrong (diagnostics say why). */
export function buildLayer(type: TSupportedLayer, call: TCallArgs, sink: TDiagnosticSink): TLayerInstance | null {
  // Keras 1 names, as Keras 2 still accepted them: border_mode='same' is padding='same', and so on.
  const own = SIGNATURES[type];
  for (const kw of call.keywords) {
    const now = KERAS1_NAMES[kw.name];
    if (now && own.some((p) => p.name === now) && !call.keywords.some((k) => k.name === now)) {
      sink.info('deprecated-argument', kw.nameSpan, `${type}(): '${kw.name}' is Keras 1's name of '${now}'; read as ${now}=.`);
      call = { ...call, keywords: call.keywords.map((k) => (k === kw ? { ...k, name: now } : k)) };
    }
  }
  // Keras 2 read Conv2D(32, 3, 3) as a 3×3 kernel (Keras 1's nb_row, nb_col); Keras 3 would take the second 3 as strides.
  if (type === 'Conv2D' && call.positional.length === 3 && call.positional.every((a) => a.value.kind === 'number' && a.value.isInt)) {
    const [filters, rows, cols] = call.positional as [TCallArgs['positional'][number], TCallArgs['positional'][number], TCallArgs['positional'][number]];
    sink.warning(
      'legacy-kernel-size',
      { from: rows.span.from, to: cols.span.to },
      `${call.callee}(${describe(filters.value)}, ${describe(rows.value)}, ${describe(cols.value)}): read as Keras 2 did, a ${describe(rows.value)}×${describe(cols.value)} kernel (Keras 3 would read the last number as strides); write kernel_size=(${describe(rows.value)}, ${describe(cols.value)}) to be clear.`,
    );
    call = {
      ...call,
      positional: [filters, { value: tuple(rows.value, cols.value), span: { from: rows.span.from, to: cols.span.to } }],
    };
  }
  // Keras 2 called LeakyReLU's slope `alpha`; accepted with a warning.
  if (type === 'LeakyReLU') {
    const alpha = call.keywords.find((k) => k.name === 'alpha');
    if (alpha && !call.keywords.some((k) => k.name === 'negative_slope')) {
      sink.warning('deprecated-argument', alpha.nameSpan, "LeakyReLU(): 'alpha' is the old name of 'negative_slope'; use negative_slope=.");
      call = { ...call, keywords: call.keywords.map((k) => (k === alpha ? { ...k, name: 'negative_slope' } : k)) };
    }
  }
  const bound = bindArgs(call, SIGNATURES[type], sink, LAYER_KWARGS);
  if (!bound) return null;
  const r = new ArgReader(call, bound, sink);
  const where = `${type}()`;

  const nameValue = r.raw('name');
  let name = '';
  if (r.has('name')) {
    if (nameValue.kind === 'string' && /^[\w.-]{1,100}$/.test(nameValue.value)) name = nameValue.value;
    else r.fail('name', `name must be a short string of letters, digits and _, got ${describe(nameValue)}.`);
  }
  let inputShape: number[] | undefined;
  if (r.has('input_shape')) inputShape = shapeArg(r, 'input_shape');
  if (r.has('input_dim')) {
    const dim = r.number('input_dim', { int: true, min: 1, max: 10_000_000 });
    if (dim !== undefined) inputShape = [dim];
  }
  r.mustBeDefault('dtype', (v) => isNone(v) || (v.kind === 'string' && v.value === 'float32'), 'Epoch trains in float32');
  r.mustBeDefault('trainable', (v) => v.kind === 'bool' && v.value, 'frozen layers are not supported');
  r.mustBeDefault('batch_size', isNone, 'the batch size is set by the exercise');
  if (bound.has('data_format')) {
    r.mustBeDefault(
      'data_format',
      (v) => isNone(v) || (v.kind === 'string' && v.value === 'channels_last'),
      'images are channels_last (height, width, channels)',
    );
  }
  const act = (key: string) => activationFrom(r.raw(key), where, r.span(key), sink);
  const init = (key: string) => initializerFrom(r.raw(key), where, r.span(key), sink);
  const reg = (key: string) => regularizerFrom(r.raw(key), where, r.span(key), sink);
  const noConstraint = (key: string) => r.mustBeDefault(key, isNone, 'constraints are not supported');
  const padding = () => r.choice('padding', ['valid', 'same'] as const, { caseInsensitive: true });

  let spec: TLayerSpec | undefined;
  const base = { name };
  switch (type) {
    case 'Conv2D': {
      const filters = r.number('filters', { int: true, min: 1, max: 100_000 });
      const kernelSize = r.intTuple('kernel_size', 2);
      const strides = r.intTuple('strides', 2);
      const dilationRate = r.intTuple('dilation_rate', 2);
      const pad = padding();
      r.mustBeDefault('groups', (v) => v.kind === 'number' && v.value === 1, 'grouped convolutions are not supported');
      r.mustBeDefault('activity_regularizer', isNone, 'activity regularizers are not supported');
      noConstraint('kernel_constraint');
      noConstraint('bias_constraint');
      const [activation, useBias, ki, bi, kr, br] = [
        act('activation'),
        r.bool('use_bias'),
        init('kernel_initializer'),
        init('bias_initializer'),
        reg('kernel_regularizer'),
        reg('bias_regularizer'),
      ];
      if (
        filters !== undefined &&
        kernelSize &&
        strides &&
        dilationRate &&
        pad &&
        activation &&
        useBias !== undefined &&
        ki &&
        bi &&
        kr !== undefined &&
        br !== undefined
      ) {
        spec = {
          ...base,
          type,
          filters,
          kernelSize: [kernelSize[0] ?? 1, kernelSize[1] ?? 1],
          strides: [strides[0] ?? 1, strides[1] ?? 1],
          padding: pad,
          dilationRate: [dilationRate[0] ?? 1, dilationRate[1] ?? 1],
          activation,
          useBias,
          kernelInitializer: ki,
          biasInitializer: bi,
          kernelRegularizer: kr,
          biasRegularizer: br,
        };
      }
      break;
    }
    case 'Dense': {
      const units = r.number('units', { int: true, min: 1, max: 10_000_000 });
      r.mustBeDefault('activity_regularizer', isNone, 'activity regularizers are not supported');
      r.mustBeDefault('lora_rank', isNone, 'LoRA is not supported');
      noConstraint('kernel_constraint');
      noConstraint('bias_constraint');
      const [activation, useBias, ki, bi, kr, br] = [
        act('activation'),
        r.bool('use_bias'),
        init('kernel_initializer'),
        init('bias_initializer'),
        reg('kernel_regularizer'),
        reg('bias_regularizer'),
      ];
      if (units !== undefined && activation && useBias !== undefined && ki && bi && kr !== undefined && br !== undefined) {
        spec = { ...base, type, units, activation, useBias, kernelInitializer: ki, biasInitializer: bi, kernelRegularizer: kr, biasRegularizer: br };
      }
      break;
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const poolSize = r.intTuple('pool_size', 2);
      const strides = isNone(r.raw('strides')) ? poolSize : r.intTuple('strides', 2);
      const pad = padding();
      if (poolSize && strides && pad)
        spec = { ...base, type, poolSize: [poolSize[0] ?? 1, poolSize[1] ?? 1], strides: [strides[0] ?? 1, strides[1] ?? 1], padding: pad };
      break;
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      r.mustBeDefault('keepdims', (v) => v.kind === 'bool' && !v.value, 'the pooled output is always flat');
      spec = { ...base, type };
      break;
    case 'Flatten':
      spec = { ...base, type };
      break;
    case 'Dropout':
    case 'SpatialDropout2D': {
      const rateV = r.raw('rate');
      const rate = r.number('rate', { min: 0 });
      if (rate !== undefined && rate >= 1) r.fail('rate', `the dropout rate must be below 1 (it is the fraction of inputs dropped), got ${describe(rateV)}.`);
      const seed = r.optionalNumber('seed', { int: true, min: 0 });
      if (type === 'Dropout') r.mustBeDefault('noise_shape', isNone, 'noise shapes are not supported');
      if (rate !== undefined && rate < 1 && seed !== undefined) spec = { ...base, type, rate, seed };
      break;
    }
    case 'BatchNormalization': {
      const axis = r.number('axis', { int: true });
      const momentum = r.number('momentum', { min: 0, max: 1 });
      const epsilon = r.number('epsilon', { min: 0, minExclusive: true });
      const center = r.bool('center');
      const scale = r.bool('scale');
      const [bi, gi, mmi, mvi] = [init('beta_initializer'), init('gamma_initializer'), init('moving_mean_initializer'), init('moving_variance_initializer')];
      for (const k of ['beta_regularizer', 'gamma_regularizer']) r.mustBeDefault(k, isNone, 'batch-norm regularizers are not supported');
      noConstraint('beta_constraint');
      noConstraint('gamma_constraint');
      r.mustBeDefault('synchronized', (v) => v.kind === 'bool' && !v.value, 'training runs on one device');
      if (axis !== undefined && momentum !== undefined && epsilon !== undefined && center !== undefined && scale !== undefined && bi && gi && mmi && mvi) {
        spec = {
          ...base,
          type,
          axis,
          momentum,
          epsilon,
          center,
          scale,
          betaInitializer: bi,
          gammaInitializer: gi,
          movingMeanInitializer: mmi,
          movingVarianceInitializer: mvi,
        };
      }
      break;
    }
    case 'Activation': {
      const activation = act('activation');
      if (activation) spec = { ...base, type, activation };
      break;
    }
    case 'ReLU': {
      const maxValue = r.optionalNumber('max_value', { min: 0 });
      const negativeSlope = r.number('negative_slope', { min: 0 });
      const threshold = r.number('threshold');
      if (maxValue !== undefined && negativeSlope !== undefined && threshold !== undefined) spec = { ...base, type, maxValue, negativeSlope, threshold };
      break;
    }
    case 'LeakyReLU': {
      const negativeSlope = r.number('negative_slope', { min: 0 });
      if (negativeSlope !== undefined) spec = { ...base, type, negativeSlope };
      break;
    }
    case 'Reshape': {
      const v = r.raw('target_shape');
      const items = v.kind === 'seq' ? v.items : null;
      const dims = items?.map((i) => (i.kind === 'number' && i.isInt ? i.value : NaN));
      if (!dims || dims.length === 0 || dims.some((x) => Number.isNaN(x) || (x < 1 && x !== -1)) || dims.filter((x) => x === -1).length > 1) {
        r.fail('target_shape', `target_shape must be a tuple of positive integers (at most one -1), got ${describe(v)}.`);
      } else spec = { ...base, type, targetShape: dims };
      break;
    }
    case 'ZeroPadding2D': {
      const v = r.raw('padding');
      const p = zeroPadding(v);
      if (!p) r.fail('padding', `padding must be an int, a tuple (rows, cols) or ((top, bottom), (left, right)) of non-negative ints, got ${describe(v)}.`);
      else spec = { ...base, type, padding: p };
      break;
    }
    case 'Rescaling': {
      const scale = r.number('scale');
      const offset = r.number('offset');
      if (scale !== undefined && offset !== undefined) spec = { ...base, type, scale, offset };
      break;
    }
    case 'Resizing': {
      const height = r.number('height', { int: true, min: 1, max: 100_000 });
      const width = r.number('width', { int: true, min: 1, max: 100_000 });
      const interpolation = r.choice('interpolation', ['bilinear', 'nearest'] as const);
      r.mustBeDefault('crop_to_aspect_ratio', (v) => v.kind === 'bool' && !v.value, 'images are resized as a whole');
      r.mustBeDefault('pad_to_aspect_ratio', (v) => v.kind === 'bool' && !v.value, 'images are resized as a whole');
      r.mustBeDefault('antialias', (v) => v.kind === 'bool' && !v.value, 'resizing is not antialiased');
      if (height !== undefined && width !== undefined && interpolation) spec = { ...base, type, height, width, interpolation };
      break;
    }
    case 'Normalization': {
      const axis = r.raw('axis');
      if (!(axis.kind === 'number' && axis.value === -1) && axis.kind !== 'none')
        r.fail('axis', `only axis=-1 (one mean and variance per channel) is supported, got ${describe(axis)}.`);
      r.mustBeDefault('invert', (v) => v.kind === 'bool' && !v.value, 'only normalising is supported');
      if (!r.has('mean') || !r.has('variance')) {
        r.fail('mean', 'give mean= and variance=: adapt() would compute them from the data, which the checker does not run.', 'missing-argument');
        break;
      }
      const mean = numberList(r, 'mean');
      const variance = numberList(r, 'variance');
      if (variance?.some((v) => v < 0)) r.fail('variance', 'variances cannot be negative.');
      if (mean && variance && mean.length !== variance.length && mean.length !== 1 && variance.length !== 1)
        r.fail('variance', `mean has ${mean.length} values but variance has ${variance.length}.`);
      if (mean && variance) spec = { ...base, type, mean, variance };
      break;
    }
    case 'RandomFlip': {
      const mode = r.choice('mode', ['horizontal', 'vertical', 'horizontal_and_vertical'] as const);
      const seed = r.optionalNumber('seed', { int: true, min: 0 });
      if (mode && seed !== undefined) spec = { ...base, type, mode, seed };
      break;
    }
    case 'RandomRotation':
    case 'RandomZoom':
    case 'RandomTranslation': {
      const fillMode = r.choice('fill_mode', ['reflect', 'wrap', 'constant', 'nearest'] as const);
      const interpolation = r.choice('interpolation', ['bilinear', 'nearest'] as const);
      const fillValue = r.number('fill_value');
      const seed = r.optionalNumber('seed', { int: true, min: 0 });
      const common = fillMode && interpolation && fillValue !== undefined && seed !== undefined ? { fillMode, interpolation, fillValue, seed } : null;
      if (type === 'RandomRotation') {
        const factor = factorArg(r, 'factor', -Infinity);
        if (factor && common) spec = { ...base, type, factor, ...common };
      } else if (type === 'RandomZoom') {
        const heightFactor = factorArg(r, 'height_factor', -1);
        const widthFactor = r.raw('width_factor').kind === 'none' ? null : factorArg(r, 'width_factor', -1);
        if (heightFactor && widthFactor !== undefined && common) spec = { ...base, type, heightFactor, widthFactor, ...common };
      } else {
        const heightFactor = factorArg(r, 'height_factor', -1, 1);
        const widthFactor = factorArg(r, 'width_factor', -1, 1);
        if (heightFactor && widthFactor && common) spec = { ...base, type, heightFactor, widthFactor, ...common };
      }
      break;
    }
    case 'RandomCrop': {
      const height = r.number('height', { int: true, min: 1, max: 100_000 });
      const width = r.number('width', { int: true, min: 1, max: 100_000 });
      const seed = r.optionalNumber('seed', { int: true, min: 0 });
      if (height !== undefined && width !== undefined && seed !== undefined) spec = { ...base, type, height, width, seed };
      break;
    }
    case 'Softmax': {
      const axis = r.raw('axis');
      if (!(axis.kind === 'number' && axis.value === -1)) r.fail('axis', `only axis=-1 is supported, got ${describe(axis)}.`);
      else spec = { ...base, type, axis: -1 };
      break;
    }
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
      spec = { ...base, type };
      break;
    case 'Concatenate': {
      const axis = r.number('axis', { int: true, min: -8, max: 8 });
      if (axis !== undefined) spec = { ...base, type, axis };
      break;
    }
  }
  if (!spec || !r.ok) return null;
  return { spec, span: call.span, inputShape, nameGiven: name !== '' };
}

/** A number or a list of numbers (Normalization's mean and variance). */
function numberList(r: ArgReader, key: string): number[] | undefined {
  const v = r.raw(key);
  const items = v.kind === 'number' ? [v] : v.kind === 'seq' ? v.items : null;
  if (!items || items.length === 0 || items.length > 4096 || items.some((i) => i.kind !== 'number' || !Number.isFinite(i.value))) {
    r.fail(key, `'${key}' must be a number or a list of numbers (one per channel), got ${describe(v)}.`);
    return undefined;
  }
  return items.map((i) => (i.kind === 'number' ? i.value : 0));
}

/** Keras's augmentation factors: f means (-f, f); a pair (lower, upper) as given. */
function factorArg(r: ArgReader, key: string, min: number, max = Infinity): [number, number] | undefined {
  const v = r.raw(key);
  const pairOf = (a: TValue | undefined, b: TValue | undefined): [number, number] | null =>
    a?.kind === 'number' && b?.kind === 'number' && Number.isFinite(a.value) && Number.isFinite(b.value) ? [a.value, b.value] : null;
  const p =
    v.kind === 'number'
      ? pairOf(num(-Math.abs(v.value)), num(Math.abs(v.value)))
      : v.kind === 'seq' && v.items.length === 2
        ? pairOf(v.items[0], v.items[1])
        : null;
  if (!p) {
    r.fail(key, `'${key}' must be a number f (meaning -f to f) or a pair (lower, upper), got ${describe(v)}.`);
    return undefined;
  }
  if (p[0] > p[1]) {
    r.fail(key, `'${key}': the lower bound ${p[0]} is above the upper bound ${p[1]}.`);
    return undefined;
  }
  if (p[0] < min || p[1] > max) {
    r.fail(key, `'${key}' must stay within [${min}, ${max === Infinity ? '∞' : max}], got ${describe(v)}.`);
    return undefined;
  }
  return p;
}

function zeroPadding(v: TValue): [[number, number], [number, number]] | null {
  const intOf = (x: TValue | undefined): number | null => (x?.kind === 'number' && x.isInt && x.value >= 0 && x.value <= 100_000 ? x.value : null);
  const single = intOf(v);
  if (single !== null)
    return [
      [single, single],
      [single, single],
    ];
  if (v.kind !== 'seq' || v.items.length !== 2) return null;
  const [a, b] = v.items;
  const sa = intOf(a);
  const sb = intOf(b);
  if (sa !== null && sb !== null)
    return [
      [sa, sa],
      [sb, sb],
    ];
  if (a?.kind === 'seq' && b?.kind === 'seq' && a.items.length === 2 && b.items.length === 2) {
    const nums = [...a.items, ...b.items].map(intOf);
    if (nums.every((x): x is number => x !== null))
      return [
        [nums[0] ?? 0, nums[1] ?? 0],
        [nums[2] ?? 0, nums[3] ?? 0],
      ];
  }
  return null;
}

/** A shape tuple like (32, 32, 3); a leading None is the batch dimension only for batch_shape. */
export function shapeArg(r: ArgReader, key: string): number[] | undefined {
  const v = r.raw(key);
  const items = v.kind === 'seq' ? v.items : v.kind === 'number' ? [v] : null;
  if (!items || items.length === 0 || items.length > 8 || items.some((i) => i.kind !== 'number' || !i.isInt || i.value < 1 || i.value > 100_000)) {
    r.fail(key, `${key} must be a tuple of positive integers such as (32, 32, 3), got ${describe(v)}.`, 'invalid-shape');
    return undefined;
  }
  return items.map((i) => (i.kind === 'number' ? i.value : 0));
}

const INPUT_SIG: TParam[] = [none('shape'), none('batch_size'), none('dtype'), none('sparse'), none('batch_shape'), none('name'), none('tensor')];
const INPUT_LAYER_SIG: TParam[] = [none('shape'), none('batch_size'), none('dtype'), none('sparse'), none('batch_shape'), none('input_tensor'), none('name')];

/** `Input(shape)` / `InputLayer(shape=...)` (Keras 2's `input_shape=` too): the model's input shape, no batch dim. */
export function buildInput(kind: 'Input' | 'InputLayer', call: TCallArgs, sink: TDiagnosticSink): number[] | null {
  const bound = bindArgs(call, kind === 'Input' ? INPUT_SIG : INPUT_LAYER_SIG, sink, kind === 'InputLayer' ? ['input_shape'] : []);
  if (!bound) return null;
  const r = new ArgReader(call, bound, sink);
  for (const k of ['dtype', 'sparse', 'tensor', 'input_tensor']) {
    if (bound.has(k))
      r.mustBeDefault(
        k,
        (v) => isNone(v) || (k === 'dtype' && v.kind === 'string' && v.value === 'float32') || (k === 'sparse' && v.kind === 'bool' && !v.value),
        'not supported for image inputs',
      );
  }
  let shape: number[] | undefined;
  if (r.has('batch_shape')) {
    const v = r.raw('batch_shape');
    if (v.kind === 'seq' && v.items.length > 1) {
      const [first, ...rest] = v.items;
      if (first?.kind === 'none' || first?.kind === 'number') {
        shape = shapeArg(new ArgReader(call, new Map([['batch_shape', { value: tuple(...rest), span: r.span('batch_shape') }]]), sink), 'batch_shape');
      }
    }
    if (!shape) r.fail('batch_shape', `batch_shape must be (None, height, width, channels), got ${describe(v)}.`, 'invalid-shape');
  } else if (r.has('shape')) shape = shapeArg(r, 'shape');
  else if (r.has('input_shape')) shape = shapeArg(r, 'input_shape');
  else r.fail('shape', `${kind} needs a shape, e.g. ${kind}(shape=(32, 32, 3)).`, 'missing-argument');
  return r.ok && shape ? shape : null;
}
