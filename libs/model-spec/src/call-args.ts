import type { TDiagnosticSink } from './diagnostic-types';
import type { TSpan } from './diagnostic-sink';
import { closest } from './keras-symbols';
import { describe, isReported, type TValue } from './values';

export interface TArg {
  value: TValue;
  span: TSpan;
}
export interface TKeywordArg extends TArg {
  name: string;
  nameSpan: TSpan;
}
export interface TCallArgs {
  /** Display name of what is called, e.g. `Conv2D` or `model.fit`. */
  callee: string;
  span: TSpan;
  positional: TArg[];
  keywords: TKeywordArg[];
  /** `*args` / `**kwargs` were used: arguments cannot be known without running code. */
  unpacked?: TSpan;
}

/** One parameter of a Keras signature, in Keras's own order. `required` has no default. */
export interface TParam {
  name: string;
  default?: TValue;
  required?: boolean;
}

/** A bound argument: its value, and where it was written (absent when the Keras default applies). */
export interface TBound {
  value: TValue;
  span?: TSpan;
}

/**
 * Binds arguments the way Python does for a Keras signature: positional in order, then keywords; reports too many
 * positional arguments, unknown keywords (with a "did you mean"), duplicates and missing required arguments.
 * `extraKeywords` are accepted by keyword only (Keras's **kwargs such as name= or input_shape=).
 * Returns null when binding failed (the diagnostics say why).
 */
export function bindArgs(call: TCallArgs, params: readonly TParam[], sink: TDiagnosticSink, extraKeywords: readonly string[] = []): Map<string, TBound> | null {
  const bound = new Map<string, TBound>();
  let ok = true;
  if (call.unpacked) {
    sink.error('unsupported-argument', call.unpacked, `${call.callee}(): \`*\`/\`**\` unpacking is not supported; write the arguments out.`);
    return null;
  }
  call.positional.forEach((arg, i) => {
    const p = params[i];
    if (!p) {
      sink.error(
        'unsupported-argument',
        arg.span,
        `${call.callee}() takes at most ${params.length} positional argument${params.length === 1 ? '' : 's'} but ${call.positional.length} were given.`,
      );
      ok = false;
      return;
    }
    bound.set(p.name, { value: arg.value, span: arg.span });
  });
  for (const kw of call.keywords) {
    const known = params.some((p) => p.name === kw.name) || extraKeywords.includes(kw.name);
    if (!known) {
      const hint = closest(kw.name, [...params.map((p) => p.name), ...extraKeywords]);
      sink.error(
        'unsupported-argument',
        kw.nameSpan,
        `${call.callee}() got an unexpected keyword argument '${kw.name}'${hint ? ` (did you mean '${hint}'?)` : ''}.`,
      );
      ok = false;
      continue;
    }
    if (bound.has(kw.name)) {
      sink.error('unsupported-argument', kw.nameSpan, `${call.callee}() got multiple values for argument '${kw.name}'.`);
      ok = false;
      continue;
    }
    bound.set(kw.name, { value: kw.value, span: kw.span });
  }
  for (const p of params) {
    if (bound.has(p.name)) continue;
    if (p.required) {
      sink.error('missing-argument', call.span, `${call.callee}() is missing its required argument '${p.name}'.`);
      ok = false;
    } else if (p.default) bound.set(p.name, { value: p.default });
  }
  return ok ? bound : null;
}

/** Reads bound arguments into typed values, reporting each bad value at the argument that holds it. */
export class ArgReader {
  ok = true;

  constructor(
    private readonly call: TCallArgs,
    private readonly args: Map<string, TBound>,
    private readonly sink: TDiagnosticSink,
  ) {}

  has(name: string): boolean {
    return this.args.get(name)?.span !== undefined;
  }
  raw(name: string): TValue {
    return this.args.get(name)?.value ?? { kind: 'none' };
  }
  span(name: string): TSpan {
    return this.args.get(name)?.span ?? this.call.span;
  }

  fail(name: string, message: string, code = 'unsupported-value'): undefined {
    this.sink.error(code, this.span(name), `${this.call.callee}(): ${message}`);
    this.ok = false;
    return undefined;
  }

  /** Explains values that never reach the model (comprehensions, your functions, undefined names). */
  private notAValue(name: string, v: TValue, want: string): undefined {
    if (isReported(v)) {
      this.ok = false;
      return undefined;
    }
    if (v.kind === 'unsafe' || v.kind === 'user-function') {
      return this.fail(
        name,
        `'${name}' must be ${want}, but it comes from ${describe(v)}, which the checker does not run. Write the value out.`,
        'not-allowed',
      );
    }
    return this.fail(name, `'${name}' must be ${want}, got ${describe(v)}.`);
  }

  number(name: string, opts: { int?: boolean; min?: number; max?: number; minExclusive?: boolean } = {}): number | undefined {
    const v = this.raw(name);
    const want = opts.int ? 'an integer' : 'a number';
    if (v.kind !== 'number' || (opts.int && !v.isInt)) return this.notAValue(name, v, want);
    if (!Number.isFinite(v.value)) return this.fail(name, `'${name}' must be a finite number, got ${describe(v)}.`);
    if (opts.min !== undefined && (opts.minExclusive ? v.value <= opts.min : v.value < opts.min)) {
      return this.fail(name, `'${name}' must be ${opts.minExclusive ? 'greater than' : 'at least'} ${opts.min}, got ${describe(v)}.`);
    }
    if (opts.max !== undefined && v.value > opts.max) return this.fail(name, `'${name}' must be at most ${opts.max}, got ${describe(v)}.`);
    return v.value;
  }

  optionalNumber(name: string, opts: { int?: boolean; min?: number; max?: number } = {}): number | null | undefined {
    return this.raw(name).kind === 'none' ? null : this.number(name, opts);
  }

  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v.kind === 'bool') return v.value;
    return this.notAValue(name, v, 'True or False');
  }

  /** Keras standardizes these strings to lower case (e.g. padding='SAME' works). */
  choice<T extends string>(name: string, choices: readonly T[], opts: { caseInsensitive?: boolean } = {}): T | undefined {
    const v = this.raw(name);
    if (v.kind !== 'string') return this.notAValue(name, v, `one of ${choices.map((c) => `'${c}'`).join(', ')}`);
    const s = opts.caseInsensitive ? v.value.toLowerCase() : v.value;
    const found = choices.find((c) => c === s);
    if (found) return found;
    return this.fail(name, `${name}=${describe(v)} is not supported; use one of ${choices.map((c) => `'${c}'`).join(', ')}.`);
  }

  /** An int or a tuple/list of `n` ints (Keras's normalize_tuple), each >= min. */
  intTuple(name: string, n: number, min = 1): number[] | undefined {
    const v = this.raw(name);
    const items = v.kind === 'number' ? Array.from({ length: n }, () => v) : v.kind === 'seq' ? v.items : null;
    if (!items || items.length !== n || items.some((i) => i.kind !== 'number' || !i.isInt)) {
      return this.notAValue(name, v, `an integer or a tuple of ${n} integers`);
    }
    const out = items.map((i) => (i.kind === 'number' ? i.value : 0));
    if (out.some((x) => x < min)) return this.fail(name, `'${name}' values must be at least ${min}, got ${describe(v)}.`);
    if (out.some((x) => x > 1_000_000)) return this.fail(name, `'${name}' values are too large (${describe(v)}).`, 'limit-exceeded');
    return out;
  }

  /** Arguments Keras has but Epoch does not train with: only their default is accepted. */
  mustBeDefault(name: string, isDefault: (v: TValue) => boolean, why: string): void {
    if (!this.has(name)) return;
    const v = this.raw(name);
    if (!isDefault(v)) this.fail(name, `${name}=${describe(v)} is not supported (${why}).`, 'unsupported-argument');
  }
}
