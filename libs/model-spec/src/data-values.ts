import { int, tuple, unknown, type TArrayValue, type TValue } from './values';

/**
 * The Keras datasets students load (`keras.datasets.cifar10.load_data()`), known well enough to give the shapes and
 * the number of classes their code computes from them. Epoch never runs load_data(): it trains on the exercise's data.
 */
export interface TDatasetInfo {
  label: string;
  train: number;
  test: number;
  /** One image's shape as load_data() gives it (MNIST has no channel axis). */
  image: number[];
  classes: number;
  /** One label's shape: CIFAR gives (1,), MNIST a scalar. */
  label1: boolean;
}

export const DATASETS: Record<string, TDatasetInfo> = {
  cifar10: { label: 'CIFAR-10', train: 50_000, test: 10_000, image: [32, 32, 3], classes: 10, label1: true },
  cifar100: { label: 'CIFAR-100', train: 50_000, test: 10_000, image: [32, 32, 3], classes: 100, label1: true },
  mnist: { label: 'MNIST', train: 60_000, test: 10_000, image: [28, 28], classes: 10, label1: false },
  fashion_mnist: { label: 'Fashion-MNIST', train: 60_000, test: 10_000, image: [28, 28], classes: 10, label1: false },
};

/** The image shape a model for this dataset takes: MNIST's 28×28 gains a channel axis. */
export const modelImageShape = (d: TDatasetInfo): number[] => (d.image.length === 2 ? [...d.image, 1] : d.image);

const array = (shape: (number | null)[], what: string, extra: Partial<TArrayValue> = {}): TArrayValue => ({ kind: 'array', shape, what, ...extra });

/** `((x_train, y_train), (x_test, y_test))` as load_data() returns them. */
export function loadData(d: TDatasetInfo): TValue {
  const part = (n: number, split: string) =>
    tuple(
      array([n, ...d.image], `the ${d.label} ${split} images`, { classes: d.classes, role: 'images' }),
      array(d.label1 ? [n, 1] : [n], `the ${d.label} ${split} labels`, { classes: d.classes, role: 'labels' }),
    );
  return tuple(part(d.train, 'training'), part(d.test, 'test'));
}

const product = (s: readonly (number | null)[]): number | null => (s.some((d) => d === null) ? null : s.reduce<number>((a, b) => a * (b ?? 1), 1));

/** `a.reshape(...)`, `np.reshape(a, ...)`: the new shape, with one -1 worked out when the size is known. */
export function reshape(a: TArrayValue, dims: readonly (number | null)[]): TValue {
  const total = product(a.shape);
  const free = dims.filter((d) => d === -1).length;
  if (free > 1 || dims.some((d) => d !== null && d !== -1 && d < 0)) return unknown(`a reshape of ${a.what} into (${dims.join(', ')})`);
  const known = product(dims.filter((d) => d !== -1));
  let shape = [...dims];
  if (free === 1) shape = dims.map((d) => (d === -1 ? (total !== null && known !== null && known > 0 ? total / known : null) : d));
  const newTotal = product(shape);
  if (shape.some((d) => d !== null && !Number.isInteger(d)) || (total !== null && newTotal !== null && total !== newTotal)) {
    return unknown(`a reshape of ${a.what} (shape (${a.shape.join(', ')})) into (${dims.join(', ')}), which does not fit`);
  }
  return { ...a, shape };
}

/** `np.expand_dims(a, axis)`. */
export function expandDims(a: TArrayValue, axis: number): TValue {
  const at = axis < 0 ? a.shape.length + 1 + axis : axis;
  if (at < 0 || at > a.shape.length) return unknown(`np.expand_dims of ${a.what} at axis ${axis}`);
  return { ...a, shape: [...a.shape.slice(0, at), 1, ...a.shape.slice(at)] };
}

/** `a.squeeze()`: the axes of size 1 removed. */
export function squeeze(a: TArrayValue): TValue {
  return { ...a, shape: a.shape.filter((d) => d !== 1) };
}

/** `to_categorical(y, num_classes)`: one column per class. */
export function toCategorical(y: TArrayValue, numClasses: number | undefined): TValue {
  const classes = numClasses ?? y.classes;
  if (classes === undefined) return unknown(`to_categorical() of ${y.what} without num_classes`);
  const n = y.shape[0] ?? null;
  return array([n, classes], `${y.what}, one-hot`, { classes, role: 'labels', oneHot: true });
}

/** One item of a subscript: an index, a slice, `...` or a new axis (None, np.newaxis). */
export type TSubscript = { kind: 'index' } | { kind: 'slice'; start?: number; stop?: number; step?: number } | { kind: 'ellipsis' } | { kind: 'newaxis' };

/** NumPy's basic indexing: indices drop an axis, slices keep it (with its new length when known), None adds one. */
export function subscriptArray(a: TArrayValue, items: readonly TSubscript[]): TValue {
  const explicit = items.filter((i) => i.kind === 'index' || i.kind === 'slice').length;
  if (explicit > a.shape.length || items.filter((i) => i.kind === 'ellipsis').length > 1) return unknown(`an index into ${a.what}`);
  const out: (number | null)[] = [];
  let axis = 0;
  for (const item of items) {
    if (item.kind === 'newaxis') out.push(1);
    else if (item.kind === 'ellipsis') {
      const span = a.shape.length - explicit;
      out.push(...a.shape.slice(axis, axis + span));
      axis += span;
    } else if (item.kind === 'index') axis++;
    else {
      const n = a.shape[axis] ?? null;
      axis++;
      out.push(n === null ? null : sliceLength(n, item));
    }
  }
  out.push(...a.shape.slice(axis));
  return { ...a, shape: out, what: a.what.startsWith('part of ') ? a.what : `part of ${a.what}` };
}

/** Python's len(range(n)[start:stop:step]). */
function sliceLength(n: number, s: { start?: number; stop?: number; step?: number }): number | null {
  const step = s.step ?? 1;
  if (step === 0) return null;
  const norm = (v: number | undefined, dflt: number) =>
    v === undefined ? dflt : v < 0 ? Math.max(v + n, step < 0 ? -1 : 0) : Math.min(v, step < 0 ? n - 1 : n);
  const start = norm(s.start, step > 0 ? 0 : n - 1);
  const stop = norm(s.stop, step > 0 ? n : -1);
  return Math.max(0, Math.ceil((stop - start) / step));
}

/** `a.shape` as Python gives it: a tuple of ints (a dimension not known, such as after a split, is unknown). */
export function shapeTuple(a: TArrayValue): TValue {
  return tuple(...a.shape.map((d) => (d === null ? unknown(`the number of items in ${a.what}`) : int(d))));
}

/** sklearn's train_test_split(a, b, ...): each array split in two, the number of items no longer known. */
export function trainTestSplit(arrays: readonly TValue[]): TValue {
  const out: TValue[] = [];
  for (const a of arrays) {
    if (a.kind !== 'array') {
      out.push(unknown('a part of train_test_split()'), unknown('a part of train_test_split()'));
      continue;
    }
    out.push(
      { ...a, shape: [null, ...a.shape.slice(1)], what: `a part of ${a.what}` },
      { ...a, shape: [null, ...a.shape.slice(1)], what: `a part of ${a.what}` },
    );
  }
  return { kind: 'seq', seq: 'list', items: out };
}
