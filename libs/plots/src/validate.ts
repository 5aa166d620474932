import { PlotInputError } from './errors';

export function requireArray(value: unknown, argument: string): unknown[] {
  if (!Array.isArray(value)) throw new PlotInputError(argument, `expected an array, got ${describe(value)}`);
  return value;
}

export function requireClassNames(value: unknown, argument = 'classNames'): readonly string[] {
  const names = requireArray(value, argument);
  if (names.length === 0) throw new PlotInputError(argument, 'expected at least one class name');
  names.forEach((name, i) => {
    if (typeof name !== 'string') throw new PlotInputError(`${argument}[${i}]`, `expected a string, got ${describe(name)}`);
  });
  return names as string[];
}

/** Class indices must be integers naming a class; anything else would silently draw a wrong caption. */
export function requireLabels(value: unknown, argument: string, length: number, classCount: number): number[] {
  const labels = requireArray(value, argument);
  if (labels.length !== length) {
    throw new PlotInputError(argument, `expected ${length} entries (one per image), got ${labels.length}`);
  }
  labels.forEach((label, i) => {
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new PlotInputError(`${argument}[${i}]`, `expected a class index 0..${classCount - 1}, got ${describe(label)}`);
    }
  });
  return labels as number[];
}

export function requirePositiveInt(value: unknown, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new PlotInputError(argument, `expected a positive integer, got ${describe(value)}`);
  }
  return value;
}

export function requireBytes(value: unknown, argument: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new PlotInputError(argument, `expected a Uint8Array, got ${describe(value)}`);
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}
