import type { TModelSpec } from '@epoch/contracts';
import { snakeCase } from './keras-symbols';
import { sha256Hex } from './sha256';

/** True for names Keras would have generated itself (`conv2d`, `conv2d_3`): they carry no meaning. */
export function isAutoLayerName(type: string, name: string): boolean {
  const prefix = snakeCase(type);
  return name === prefix || new RegExp(`^${prefix}_\\d+$`).test(name);
}

/** JSON with object keys sorted at every level, so key order never changes the text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * The canonical form of a ModelSpec: no source positions and no auto-generated layer names. Formatting, argument
 * order, default-valued arguments and comments are already gone in a resolved spec.
 */
export function canonicalForm(spec: TModelSpec): unknown {
  return {
    ...spec,
    layers: spec.layers.map((layer) => {
      const { source: _source, name, ...rest } = layer;
      return isAutoLayerName(layer.type, name) ? rest : { ...rest, name };
    }),
  };
}

/** sha256 (hex) of the canonical JSON: equal for submissions that define the same model and training. */
export function canonicalHash(spec: TModelSpec): string {
  return sha256Hex(canonicalJson(canonicalForm(spec)));
}
