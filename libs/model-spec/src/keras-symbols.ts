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
  return parts.filter((p, i) => !(i > 0 && parts[0] === 'keras' && (p === 'experimental' || p === 'legacy' || p === 'src'))).join('.');
}

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
] as const;
export type TSupportedLayer = (typeof SUPPORTED_LAYERS)[number];

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
  'Add',
  'Concatenate',
  'Multiply',
  'RandomFlip',
  'RandomRotation',
  'RandomZoom',
  'RandomTranslation',
  'RandomContrast',
  'Rescaling',
  'Resizing',
  'Normalization',
  'UpSampling2D',
  'Cropping2D',
  'MaxPooling1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'PReLU',
  'ELU',
  'Softmax',
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

/** Keras's import roots a submission may use; anything else is refused. */
export const ALLOWED_IMPORT_ROOTS = new Set(['tensorflow', 'keras', 'tf_keras', 'numpy', 'matplotlib', 'tensorflow_datasets']);

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
