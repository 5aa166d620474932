/**
 * Keras names as they can be spelled in student code, normalized to one dotted path: `tensorflow.keras.layers.Dense`,
 * `tf.keras.layers.Dense`, `keras.layers.Dense` and `layers.Dense` (after `from tensorflow.keras import layers`) all
 * become `keras.layers.Dense`.
 */
export function normalizePath(path: string): string {
  const parts = path.split('.');
  if (parts[0] === 'tensorflow') parts[0] = 'tf';
  if (parts[0] === 'tf_keras') parts[0] = 'keras';
  if (parts[0] === 'tf' && parts[1] === 'keras') parts.shift();
  if (parts[0] === 'tf' && parts[1] === 'compat' && parts[2] === 'v2' && parts[3] === 'keras') parts.splice(0, 3);
  // Keras 2.x exposed the same classes under these sub-namespaces.
  const kept = parts.filter((p, i) => !(i > 0 && parts[0] === 'keras' && (p === 'experimental' || p === 'legacy' || p === 'src')));
  // ... and its layers and utilities in modules of their own: keras.layers.core.Dense, keras.utils.np_utils.to_categorical.
  if (kept[0] === 'keras' && kept[1] === 'layers') while (kept[2] !== undefined && LEGACY_LAYER_MODULES.has(kept[2])) kept.splice(2, 1);
  if (kept[0] === 'keras' && kept[1] === 'utils' && kept[2] === 'np_utils') kept.splice(2, 1);
  return kept.join('.');
}

/** Keras 2's modules of keras.layers (today's layers are all in keras.layers itself). */
const LEGACY_LAYER_MODULES = new Set([
  'core',
  'convolutional',
  'pooling',
  'normalization',
  'advanced_activations',
  'merge',
  'merging',
  'preprocessing',
  'image_preprocessing',
  'noise',
  'regularization',
  'reshaping',
  'activation',
  'activations',
]);

export const SUPPORTED_LAYERS = [
  'Conv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Dense',
  'Dropout',
  'SpatialDropout2D',
  'BatchNormalization',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'Reshape',
  'ZeroPadding2D',
  'Rescaling',
  'Resizing',
  'Normalization',
  'RandomFlip',
  'RandomRotation',
  'RandomZoom',
  'RandomTranslation',
  'RandomCrop',
  'Softmax',
  'Add',
  'Subtract',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'Concatenate',
] as const;
export type TSupportedLayer = (typeof SUPPORTED_LAYERS)[number];

/** Merge layers combine two or more inputs (functional models only). */
export const MERGE_LAYERS = new Set<string>(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate']);

/** The functional forms of the merge layers: `layers.add([x, y])` is `layers.Add()([x, y])`. */
export const MERGE_FUNCTIONS: Record<string, TSupportedLayer> = {
  add: 'Add',
  subtract: 'Subtract',
  multiply: 'Multiply',
  average: 'Average',
  maximum: 'Maximum',
  minimum: 'Minimum',
  concatenate: 'Concatenate',
};

/** Keras's own aliases for the same classes. */
export const LAYER_ALIASES: Record<string, TSupportedLayer> = {
  Convolution2D: 'Conv2D',
  MaxPool2D: 'MaxPooling2D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
};

/** Layers Keras has that Epoch does not train: named in "unsupported layer" messages rather than "unknown". */
export const KNOWN_UNSUPPORTED_LAYERS = new Set([
  'Conv1D',
  'Conv3D',
  'Conv2DTranspose',
  'SeparableConv2D',
  'DepthwiseConv2D',
  'LSTM',
  'GRU',
  'SimpleRNN',
  'Embedding',
  'LayerNormalization',
  'GroupNormalization',
  'Attention',
  'MultiHeadAttention',
  'Dot',
  'RandomContrast',
  'RandomBrightness',
  'CenterCrop',
  'UpSampling2D',
  'Cropping2D',
  'MaxPooling1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
  'Permute',
  'RepeatVector',
  'TimeDistributed',
  'Bidirectional',
  'Masking',
  'ActivityRegularization',
  'Identity',
  'Conv1DTranspose',
  'MaxPooling3D',
  'AveragePooling1D',
]);

/** Names that run arbitrary code: refused wherever they appear. */
export const CODE_RUNNING_LAYERS = new Set(['Lambda', 'TFSMLayer', 'TorchModuleWrapper', 'JaxLayer', 'FlaxLayer']);

export const INPUT_NAMES = new Set(['Input', 'InputLayer']);

/** Optimizer class names (Keras spelling) to their lower-case Keras name. */
export const OPTIMIZER_CLASSES: Record<string, string> = {
  SGD: 'sgd',
  Adam: 'adam',
  AdamW: 'adamw',
  RMSprop: 'rmsprop',
  Adagrad: 'adagrad',
  Adadelta: 'adadelta',
  Adamax: 'adamax',
  Nadam: 'nadam',
};

/** Keras 2's lower-case aliases of the optimizer classes (`keras.optimizers.rmsprop(lr=...)`). */
export const LEGACY_OPTIMIZER_ALIASES: Record<string, string> = {
  sgd: 'SGD',
  adam: 'Adam',
  rmsprop: 'RMSprop',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
  adamax: 'Adamax',
  nadam: 'Nadam',
};

export const LOSS_NAMES: Record<string, 'categorical_crossentropy' | 'sparse_categorical_crossentropy' | 'mean_squared_error' | 'kl_divergence'> = {
  categorical_crossentropy: 'categorical_crossentropy',
  CategoricalCrossentropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  mean_squared_error: 'mean_squared_error',
  MeanSquaredError: 'mean_squared_error',
  mse: 'mean_squared_error',
  MSE: 'mean_squared_error',
  kl_divergence: 'kl_divergence',
  KLDivergence: 'kl_divergence',
  kld: 'kl_divergence',
  KLD: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence',
};

/** Activation names Keras's `activations.get` accepts and Epoch trains. */
export const ACTIVATION_NAMES = ['linear', 'relu', 'sigmoid', 'softmax', 'tanh', 'elu', 'selu', 'softplus', 'leaky_relu'] as const;

/** Import roots the checker knows (Keras and the lesson's libraries): imported without a note. */
export const KNOWN_IMPORT_ROOTS = new Set(['tensorflow', 'keras', 'tf_keras', 'numpy', 'matplotlib', 'tensorflow_datasets', '__future__']);

/** Modules that exist to run programs or load code: importing them is refused (no model needs them). */
export const FORBIDDEN_MODULES = new Set(['subprocess', 'importlib', 'builtins', 'ctypes', 'pickle', 'marshal', 'socket', 'shutil', 'multiprocessing', 'pty']);

/** Calls into os/sys that would run programs or change files, refused even though the code is never run. */
export const FORBIDDEN_CALL =
  /^(os\.(system|popen|exec\w*|spawn\w*|remove|unlink|rmdir|removedirs|kill|killpg|fork|rename|replace|chmod|chown|truncate|putenv)|sys\.(exit|setrecursionlimit|settrace|setprofile))$/;

/** Where a name a student forgot to import comes from, for "`models` is not defined: add ...". */
export function importHint(name: string): string | undefined {
  const modules: Record<string, string> = {
    tf: 'import tensorflow as tf',
    keras: 'from tensorflow import keras',
    np: 'import numpy as np',
    plt: 'import matplotlib.pyplot as plt',
    K: 'from tensorflow.keras import backend as K',
    backend: 'from tensorflow.keras import backend',
    to_categorical: 'from tensorflow.keras.utils import to_categorical',
    Sequential: 'from tensorflow.keras.models import Sequential',
    Model: 'from tensorflow.keras.models import Model',
  };
  if (modules[name]) return modules[name];
  if (['layers', 'models', 'optimizers', 'losses', 'metrics', 'datasets', 'utils', 'regularizers', 'initializers', 'callbacks', 'activations'].includes(name))
    return `from tensorflow.keras import ${name}`;
  if ((SUPPORTED_LAYERS as readonly string[]).includes(name) || INPUT_NAMES.has(name) || name in LAYER_ALIASES)
    return `from tensorflow.keras.layers import ${name}`;
  if (name in OPTIMIZER_CLASSES) return `from tensorflow.keras.optimizers import ${name}`;
  return undefined;
}

/** Names a student calls to build a model: an undefined one close to these is reported with a "did you mean". */
export const KERAS_CALLABLES = ['Sequential', 'Model', 'Input', 'InputLayer', ...SUPPORTED_LAYERS, ...Object.keys(OPTIMIZER_CLASSES), 'to_categorical'];

/** Python builtins and modules that run code, read files or reach the system. */
export const FORBIDDEN_NAMES = new Set([
  'eval',
  'exec',
  'open',
  '__import__',
  'compile',
  'getattr',
  'setattr',
  'delattr',
  'globals',
  'locals',
  'vars',
  'breakpoint',
  'input',
  'memoryview',
  'os',
  'sys',
  'subprocess',
  'shutil',
  'socket',
  'importlib',
  'pickle',
  'builtins',
]);

/** Levenshtein distance, for "did you mean" suggestions. Inputs are short names; bounded anyway. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  if (name.length > 60) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  const a = name.toLowerCase();
  for (const cand of candidates) {
    const b = cand.toLowerCase();
    if (a === b) return cand;
    const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diag = prev[0] ?? 0;
      prev[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = prev[j] ?? 0;
        prev[j] = Math.min((prev[j] ?? 0) + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
        diag = tmp;
      }
    }
    const d = prev[b.length] ?? Infinity;
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** Keras's own `to_snake_case`: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, ReLU -> re_lu. */
export function snakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  return intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}
