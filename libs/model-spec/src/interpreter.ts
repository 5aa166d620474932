import type { SyntaxNode } from '@lezer/common';
import { ArgReader, bindArgs, type TArg, type TCallArgs, type TKeywordArg, type TParam } from './call-args';
import type { DiagnosticSink, TSpan } from './diagnostic-sink';
import { activationSymbol, constructObject, lossFrom, metricsFrom, optimizerFrom } from './keras-objects';
import {
  CODE_RUNNING_LAYERS,
  INPUT_NAMES,
  KNOWN_UNSUPPORTED_LAYERS,
  LAYER_ALIASES,
  LOSS_NAMES,
  OPTIMIZER_CLASSES,
  SUPPORTED_LAYERS,
  closest,
  normalizePath,
  type TSupportedLayer,
} from './keras-symbols';
import { buildInput, buildLayer, shapeArg } from './layer-builders';
import { importedModules } from './safety-scan';
import { NONE, bool, describe, int, isReported, num, reported, str, tuple, unknown, type TModelState, type TValue } from './values';

/** Deepest expression nesting evaluated; deeper input is refused rather than risking the stack. */
export const MAX_EXPRESSION_DEPTH = 100;
/** Longest sequence built by constant folding (`[0] * n`), so no input can allocate much. */
const MAX_SEQUENCE = 10_000;

const COMPOUND = new Set([
  'ForStatement',
  'WhileStatement',
  'IfStatement',
  'WithStatement',
  'TryStatement',
  'FunctionDefinition',
  'ClassDefinition',
  'DecoratedStatement',
  'MatchStatement',
]);
const COMPOUND_WORD: Record<string, string> = {
  ForStatement: 'a for loop',
  WhileStatement: 'a while loop',
  IfStatement: 'an if statement',
  WithStatement: 'a with block',
  TryStatement: 'a try block',
  FunctionDefinition: 'a function',
  ClassDefinition: 'a class',
  DecoratedStatement: 'a function',
  MatchStatement: 'a match statement',
};
const MODEL_BUILDING_METHODS = new Set(['add', 'compile', 'fit', 'pop', 'build']);
const BUILTINS = [
  'len',
  'int',
  'float',
  'tuple',
  'list',
  'print',
  'range',
  'abs',
  'min',
  'max',
  'round',
  'str',
  'enumerate',
  'zip',
  'type',
  'isinstance',
  'sorted',
  'sum',
  'dict',
  'set',
  'bool',
];

/** The lesson's setup cells, as if they had run: its imports and its predefined constants and datasets. */
export function lessonEnvironment(): Map<string, TValue> {
  const env = new Map<string, TValue>();
  const sym = (path: string): TValue => ({ kind: 'symbol', path });
  for (const b of BUILTINS) env.set(b, sym(`builtins.${b}`));
  env.set('tf', sym('tf'));
  env.set('keras', sym('keras'));
  env.set('np', sym('numpy'));
  env.set('plt', sym('matplotlib.pyplot'));
  env.set('tfds', sym('tensorflow_datasets'));
  for (const m of ['layers', 'optimizers', 'metrics']) env.set(m, sym(`keras.${m}`));
  env.set('Sequential', sym('keras.Sequential'));
  for (const l of [...SUPPORTED_LAYERS, ...Object.keys(LAYER_ALIASES), ...INPUT_NAMES, ...KNOWN_UNSUPPORTED_LAYERS, ...CODE_RUNNING_LAYERS])
    env.set(l, sym(`keras.layers.${l}`));
  env.set('ROWS', int(32));
  env.set('COLS', int(32));
  env.set('CHANNELS', int(3));
  env.set('INPUT_SHAPE', tuple(int(32), int(32), int(3)));
  env.set('BATCH_SIZE', int(64));
  const classNames = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  env.set('class_names', { kind: 'seq', seq: 'list', items: classNames.map(str) });
  env.set('class_num', int(10));
  for (const d of ['train_data', 'validation_data', 'test_data']) env.set(d, { kind: 'dataset', name: d });
  return env;
}

/** What `from <module> import *` brings into scope, for the Keras modules the checker knows. */
function starNames(module: string): string[] {
  switch (module) {
    case 'keras.layers':
      return [...SUPPORTED_LAYERS, ...Object.keys(LAYER_ALIASES), ...INPUT_NAMES, ...KNOWN_UNSUPPORTED_LAYERS, ...CODE_RUNNING_LAYERS];
    case 'keras.models':
      return ['Sequential', 'Model'];
    case 'keras.optimizers':
      return Object.keys(OPTIMIZER_CLASSES);
    case 'keras.losses':
      return Object.keys(LOSS_NAMES).filter((n) => /^[A-Z]/.test(n) || n.includes('_'));
    case 'keras':
      return ['Sequential', 'Model', 'Input', 'layers', 'models', 'optimizers', 'losses', 'metrics', 'initializers', 'regularizers', 'activations'];
    default:
      return [];
  }
}

export interface TInterpretOptions {
  maxLayers: number;
}

/**
 * Interprets the safe subset of Python top-level statements, in order, without loops or calls into user code.
 * Statements that cannot affect the model are skipped with an info note; anything that would feed the model from
 * code the checker does not run is an error.
 */
export class Interpreter {
  readonly env = lessonEnvironment();
  readonly models: TModelState[] = [];
  private depth = 0;
  private depthReported = false;
  /** Set once the source created more layers than the checker builds (maxLayers + 20). */
  layersReported = false;
  private layerCalls = 0;
  /** Names of functions whose bodies create Keras layers or models. */
  private readonly modelFunctions = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly sink: DiagnosticSink,
    private readonly opts: TInterpretOptions,
  ) {}

  run(script: SyntaxNode): void {
    for (let s = script.firstChild; s; s = s.nextSibling) this.statement(s);
  }

  private src(n: SyntaxNode | TSpan): string {
    return this.text.slice(n.from, n.to);
  }

  private kids(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
    return out;
  }

  // ------------------------------------------------------------------ statements

  private statement(s: SyntaxNode): void {
    switch (s.name) {
      case 'Comment':
        return;
      case 'StatementGroup':
        for (const c of this.kids(s)) if (c.name !== ';') this.statement(c);
        return;
      case 'ImportStatement':
        this.importStatement(s);
        return;
      case 'AssignStatement':
        this.assign(s);
        return;
      case 'UpdateStatement':
        this.update(s);
        return;
      case 'ExpressionStatement':
        this.expressionStatement(s);
        return;
      case 'PassStatement':
        return;
      default:
        if (COMPOUND.has(s.name)) this.compound(s);
        else if (!s.type.isError) this.sink.info('ignored-statement', s, 'Ignored: this statement does not affect the model.');
    }
  }

  private importStatement(s: SyntaxNode): void {
    const kids = this.kids(s);
    const modules = importedModules(s, this.text);
    if (kids[0]?.name === 'from') {
      const mod = modules[0]?.path ?? '';
      const importAt = kids.findIndex((k) => k.name === 'import');
      const names = kids.slice(importAt + 1).filter((k) => k.name !== ',' && k.name !== '(' && k.name !== ')');
      if (names.some((k) => k.name === '*')) {
        for (const name of starNames(normalizePath(mod))) this.env.set(name, { kind: 'symbol', path: normalizePath(`${mod}.${name}`) });
        return;
      }
      for (let i = 0; i < names.length; i++) {
        const k = names[i];
        if (!k || k.name !== 'VariableName') continue;
        let alias = this.src(k);
        const orig = alias;
        if (names[i + 1]?.name === 'as' && names[i + 2]) {
          alias = this.src(names[i + 2] as SyntaxNode);
          i += 2;
        }
        this.env.set(alias, { kind: 'symbol', path: normalizePath(`${mod}.${orig}`) });
      }
      return;
    }
    // import a.b.c [as x], ...
    let i = 1;
    while (i < kids.length) {
      const parts: string[] = [];
      while (i < kids.length && kids[i]?.name !== ',' && kids[i]?.name !== 'as') {
        const k = kids[i] as SyntaxNode;
        if (k.name === 'VariableName') parts.push(this.src(k));
        i++;
      }
      if (kids[i]?.name === 'as') {
        const alias = kids[i + 1];
        if (alias) this.env.set(this.src(alias), { kind: 'symbol', path: normalizePath(parts.join('.')) });
        i += 2;
      } else if (parts[0]) this.env.set(parts[0], { kind: 'symbol', path: normalizePath(parts[0]) });
      if (kids[i]?.name === ',') i++;
    }
  }

  private assign(s: SyntaxNode): void {
    const kids = this.kids(s);
    const ops = kids.map((k, i) => (k.name === 'AssignOp' ? i : -1)).filter((i) => i >= 0);
    const valueNode = kids[kids.length - 1];
    if (!valueNode || ops.length === 0) return;
    const value = this.eval(valueNode);
    let start = 0;
    for (const op of ops) {
      const targets = kids.slice(start, op).filter((k) => k.name !== ',' && k.name !== 'TypeDef');
      this.bindTargets(targets, value);
      start = op + 1;
    }
  }

  private bindTargets(targets: SyntaxNode[], value: TValue): void {
    if (targets.length === 1) {
      const t = targets[0] as SyntaxNode;
      if (t.name === 'VariableName') this.bind(this.src(t), value);
      else if (t.name === 'TupleExpression' || t.name === 'ArrayExpression' || t.name === 'ParenthesizedExpression') {
        this.bindTargets(
          this.kids(t).filter((k) => !['(', ')', '[', ']', ','].includes(k.name)),
          value,
        );
      }
      return;
    }
    const items = value.kind === 'seq' && value.items.length === targets.length ? value.items : null;
    targets.forEach((t, i) =>
      this.bindTargets([t], items?.[i] ?? (value.kind === 'dataset' ? value : unknown(`\`${this.src(t)}\`, unpacked from ${describe(value)}`))),
    );
  }

  private bind(name: string, value: TValue): void {
    if (value.kind === 'model' && value.model.varName === null) value.model.varName = name;
    // The lesson rebuilds its datasets through calls the checker does not follow (tfds.load, .map, ...).
    if (value.kind === 'unknown' && this.env.get(name)?.kind === 'dataset') return;
    this.env.set(name, value);
  }

  private update(s: SyntaxNode): void {
    const kids = this.kids(s);
    const [target, op, rhs] = kids;
    if (!target || !op || !rhs || target.name !== 'VariableName') return;
    const name = this.src(target);
    const before = this.env.get(name) ?? unknown(`\`${name}\`, which is not defined`);
    this.env.set(name, this.binary(before, this.src(op).replace('=', ''), this.eval(rhs)));
  }

  private expressionStatement(s: SyntaxNode): void {
    const expr = this.kids(s)[0];
    if (!expr) return;
    if (expr.name === 'CallExpression') {
      const isModelMethod = this.evalCall(expr, true);
      if (isModelMethod) return;
    }
    this.sink.info('ignored-statement', s, 'Ignored: this statement does not affect the model.');
  }

  /** Loops, conditions and functions are never run; they must not build the model. */
  private compound(s: SyntaxNode): void {
    const word = COMPOUND_WORD[s.name] ?? 'a block';
    const assigned = new Set<string>();
    let buildsKeras = false;
    let reported = false;
    const cursor = s.cursor();
    const end = s.to;
    while (cursor.next() && cursor.from < end) {
      const n = cursor.node;
      if (n.name === 'AssignStatement' || n.name === 'UpdateStatement') {
        for (const k of this.kids(n)) {
          if (k.name === 'AssignOp' || k.name === 'UpdateOp') break;
          if (k.name === 'VariableName') assigned.add(this.src(k));
        }
      } else if (n.name === 'ForStatement') {
        for (const k of this.kids(n)) {
          if (k.name === 'in') break;
          if (k.name === 'VariableName') assigned.add(this.src(k));
        }
      } else if (n.name === 'CallExpression' && !reported) {
        const callee = n.firstChild;
        if (callee?.name === 'MemberExpression') {
          const obj = callee.firstChild;
          const prop = callee.lastChild;
          if (
            obj?.name === 'VariableName' &&
            prop?.name === 'PropertyName' &&
            MODEL_BUILDING_METHODS.has(this.src(prop)) &&
            this.env.get(this.src(obj))?.kind === 'model'
          ) {
            this.sink.error(
              'unsupported-statement',
              n,
              `\`${this.src(obj)}.${this.src(prop)}(...)\` inside ${word} is not supported: the checker does not run loops, conditions or functions. Write the model's statements at the top level.`,
            );
            reported = true;
          }
        }
        const path = callee ? this.staticPath(callee, 0) : undefined;
        if (path && /^keras\.(layers\.\w+|Sequential|models\.Sequential|Input)$/.test(path)) buildsKeras = true;
      }
    }
    if (s.name === 'FunctionDefinition' || s.name === 'DecoratedStatement' || s.name === 'ClassDefinition') {
      const nameNode = this.kids(s.name === 'DecoratedStatement' ? (this.kids(s).find((k) => k.name === 'FunctionDefinition') ?? s) : s).find(
        (k) => k.name === 'VariableName',
      );
      if (nameNode) {
        const fname = this.src(nameNode);
        this.env.set(fname, { kind: 'user-function', name: fname });
        if (buildsKeras) this.modelFunctions.add(fname);
      }
      this.sink.info('ignored-statement', s, `Ignored: ${word} definition is not run by the checker.`);
      return;
    }
    for (const name of assigned) {
      const before = this.env.get(name);
      if (before?.kind === 'dataset') continue;
      this.env.set(name, unknown(`\`${name}\`, which is assigned inside ${word} that the checker does not run`));
    }
    if (buildsKeras && !reported) {
      this.sink.error(
        'unsupported-statement',
        s,
        `Keras layers or models created inside ${word} are not supported: the checker does not run loops or conditions. Write each layer out at the top level.`,
      );
    } else if (!reported) this.sink.info('ignored-statement', s, `Ignored: ${word} is not run by the checker and does not affect the model.`);
  }

  /** The dotted path a callee names, without evaluating anything (used inside blocks that are not run). */
  private staticPath(n: SyntaxNode, depth: number): string | undefined {
    if (depth > 20) return undefined;
    if (n.name === 'VariableName') {
      const v = this.env.get(this.src(n));
      return v?.kind === 'symbol' ? v.path : undefined;
    }
    if (n.name === 'MemberExpression' && n.lastChild?.name === 'PropertyName' && n.firstChild) {
      const base = this.staticPath(n.firstChild, depth + 1);
      return base ? normalizePath(`${base}.${this.src(n.lastChild)}`) : undefined;
    }
    return undefined;
  }

  // ------------------------------------------------------------------ expressions

  eval(n: SyntaxNode): TValue {
    if (this.depth >= MAX_EXPRESSION_DEPTH) {
      if (!this.depthReported) {
        this.sink.error('limit-exceeded', n, `This expression is nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels); simplify it.`);
        this.depthReported = true;
      }
      return unknown('an expression nested too deeply');
    }
    this.depth++;
    try {
      return this.evalInner(n);
    } finally {
      this.depth--;
    }
  }

  private evalInner(n: SyntaxNode): TValue {
    switch (n.name) {
      case 'Number':
        return this.number(this.src(n));
      case 'String':
        return this.string(this.src(n));
      case 'ContinuedString': {
        const parts = this.kids(n).map((k) => this.eval(k));
        if (parts.every((p) => p.kind === 'string')) return str(parts.map((p) => (p.kind === 'string' ? p.value : '')).join(''));
        return unknown('a formatted string');
      }
      case 'FormatString':
        return unknown('an f-string');
      case 'Boolean':
        return bool(this.src(n) === 'True');
      case 'None':
        return NONE;
      case 'VariableName': {
        const name = this.src(n);
        return this.env.get(name) ?? unknown(`\`${name}\`, which is not defined at this point`);
      }
      case 'ParenthesizedExpression': {
        const inner = this.kids(n).find((k) => k.name !== '(' && k.name !== ')');
        return inner ? this.eval(inner) : tuple();
      }
      case 'TupleExpression':
      case 'ArrayExpression':
        return this.sequence(n, n.name === 'TupleExpression' ? 'tuple' : 'list');
      case 'UnaryExpression': {
        const [op, arg] = this.kids(n);
        if (!op || !arg) return unknown('an incomplete expression');
        const v = this.eval(arg);
        const o = this.src(op);
        if (v.kind === 'number' && o === '-') return { kind: 'number', value: -v.value, isInt: v.isInt };
        if (v.kind === 'number' && o === '+') return v;
        if (v.kind === 'bool' && o === 'not') return bool(!v.value);
        return unknown(`\`${this.src(n).slice(0, 40)}\``);
      }
      case 'BinaryExpression': {
        const [l, op, r] = this.kids(n);
        if (!l || !op || !r) return unknown('an incomplete expression');
        return this.binary(this.eval(l), this.src(op), this.eval(r));
      }
      case 'MemberExpression':
        return this.member(n);
      case 'CallExpression': {
        const v = this.evalCall(n, false);
        return typeof v === 'boolean' ? unknown('a call') : v;
      }
      case 'ArrayComprehensionExpression':
      case 'DictionaryComprehensionExpression':
      case 'SetComprehensionExpression':
      case 'ComprehensionExpression':
        return { kind: 'unsafe', reason: 'a comprehension' };
      case 'LambdaExpression':
        return { kind: 'unsafe', reason: 'a lambda' };
      default:
        return unknown(`\`${this.src(n).slice(0, 40)}\``);
    }
  }

  private number(text: string): TValue {
    const t = text.replace(/_/g, '');
    if (/[jJ]$/.test(t)) return unknown('a complex number');
    if (/^0[xob]/i.test(t)) return int(Number(t));
    if (/^\d+$/.test(t)) return int(Number(t));
    const v = Number(t);
    return Number.isNaN(v) ? unknown(`the number ${text}`) : { kind: 'number', value: v, isInt: false };
  }

  private string(text: string): TValue {
    const m = /^([a-zA-Z]*)('''|"""|'|")([\s\S]*)\2$/.exec(text);
    if (!m) return unknown('a string');
    const prefix = (m[1] ?? '').toLowerCase();
    if (prefix.includes('b')) return unknown('a bytes literal');
    const body = m[3] ?? '';
    if (prefix.includes('r')) return str(body);
    return str(body.replace(/\\(.)/g, (_all, c: string) => ({ n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' })[c] ?? `\\${c}`));
  }

  private sequence(n: SyntaxNode, seq: 'tuple' | 'list'): TValue {
    const items: TValue[] = [];
    let spread = false;
    for (const k of this.kids(n)) {
      if (['(', ')', '[', ']', ','].includes(k.name)) continue;
      if (k.name === '*') {
        spread = true;
        continue;
      }
      const v = this.eval(k);
      if (spread) {
        spread = false;
        if (v.kind === 'seq') items.push(...v.items);
        else return unknown(`a ${seq} unpacking ${describe(v)}`);
      } else items.push(v);
      if (items.length > MAX_SEQUENCE) return unknown(`a ${seq} that is too long`);
    }
    return { kind: 'seq', seq, items };
  }

  private binary(l: TValue, op: string, r: TValue): TValue {
    if (l.kind === 'number' && r.kind === 'number') {
      const a = l.value;
      const b = r.value;
      const bothInt = l.isInt && r.isInt;
      switch (op) {
        case '+':
          return { kind: 'number', value: a + b, isInt: bothInt };
        case '-':
          return { kind: 'number', value: a - b, isInt: bothInt };
        case '*':
          return { kind: 'number', value: a * b, isInt: bothInt };
        case '/':
          return b === 0 ? unknown('a division by zero') : { kind: 'number', value: a / b, isInt: false };
        case '//':
          return b === 0 ? unknown('a division by zero') : { kind: 'number', value: Math.floor(a / b), isInt: bothInt };
        case '%':
          return b === 0 ? unknown('a division by zero') : { kind: 'number', value: ((a % b) + b) % b, isInt: bothInt };
        case '**':
          return Math.abs(b) > 1024 ? unknown('a power that is too large') : { kind: 'number', value: a ** b, isInt: bothInt && b >= 0 };
        default:
          return unknown(`the result of \`${op}\``);
      }
    }
    if (op === '+' && l.kind === 'string' && r.kind === 'string') {
      return l.value.length + r.value.length > 100_000 ? unknown('a string that is too long') : str(l.value + r.value);
    }
    if (op === '+' && l.kind === 'seq' && r.kind === 'seq' && l.seq === r.seq) {
      return l.items.length + r.items.length > MAX_SEQUENCE
        ? unknown('a sequence that is too long')
        : { kind: 'seq', seq: l.seq, items: [...l.items, ...r.items] };
    }
    if (op === '*' && l.kind === 'seq' && r.kind === 'number' && r.isInt) {
      if (l.items.length * Math.max(0, r.value) > MAX_SEQUENCE) return unknown('a sequence that is too long');
      // Repeating a list of layers repeats the same layer objects, which Keras refuses; keep it simple and honest.
      if (l.items.some((i) => i.kind === 'layer')) return { kind: 'unsafe', reason: 'a repeated list of layers (the same layer objects several times)' };
      return { kind: 'seq', seq: l.seq, items: Array.from({ length: Math.max(0, r.value) }, () => l.items).flat() };
    }
    return unknown(`the result of \`${op}\``);
  }

  private member(n: SyntaxNode): TValue {
    const kids = this.kids(n);
    const obj = kids[0];
    if (!obj) return unknown('an attribute');
    const base = this.eval(obj);
    if (base.kind === 'unsafe') return base;
    if (kids[1]?.name === '[') {
      const idxNode = kids[2];
      const idx = idxNode && kids[3]?.name === ']' ? this.eval(idxNode) : unknown('a slice');
      if (base.kind === 'seq' && idx.kind === 'number' && idx.isInt) {
        const i = idx.value < 0 ? base.items.length + idx.value : idx.value;
        return base.items[i] ?? unknown(`an index out of range in ${describe(base)}`);
      }
      if (base.kind === 'dataset') return base;
      return unknown(`\`${this.src(n).slice(0, 40)}\``);
    }
    const prop = kids[kids.length - 1];
    if (!prop || prop.name !== 'PropertyName') return unknown(`\`${this.src(n).slice(0, 40)}\``);
    const name = this.src(prop);
    if (base.kind === 'symbol') return this.symbolValue(normalizePath(`${base.path}.${name}`));
    if (base.kind === 'dataset') return base;
    return unknown(`\`${this.src(n).slice(0, 40)}\``);
  }

  /** Keras functions used as values: `tf.nn.relu`, `keras.losses.categorical_crossentropy`. */
  private symbolValue(path: string): TValue {
    const act = activationSymbol(path);
    if (act) return { kind: 'activation', name: act };
    const loss = /^keras\.losses\.([a-z_]+)$/.exec(path)?.[1];
    const lossName = loss ? LOSS_NAMES[loss] : undefined;
    if (lossName) return { kind: 'loss', spec: { name: lossName, fromLogits: false, labelSmoothing: 0 } };
    return { kind: 'symbol', path };
  }

  // ------------------------------------------------------------------ calls

  private callArgs(callee: string, call: SyntaxNode): TCallArgs {
    const argList = this.kids(call).find((k) => k.name === 'ArgList');
    const out: TCallArgs = { callee, span: call, positional: [], keywords: [] };
    if (!argList) return out;
    const kids = this.kids(argList);
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i] as SyntaxNode;
      if (k.name === '(' || k.name === ')' || k.name === ',') continue;
      if (k.name === '*' || k.name === '**') {
        out.unpacked = { from: k.from, to: kids[i + 1]?.to ?? k.to };
        i++;
        continue;
      }
      if (k.name === 'VariableName' && kids[i + 1]?.name === 'AssignOp' && kids[i + 2]) {
        const valueNode = kids[i + 2] as SyntaxNode;
        const kw: TKeywordArg = { name: this.src(k), nameSpan: k, value: this.eval(valueNode), span: valueNode };
        out.keywords.push(kw);
        i += 2;
        continue;
      }
      if (k.type.isError) continue;
      if (k.name === 'for') {
        out.positional.push({ value: { kind: 'unsafe', reason: 'a generator expression' }, span: k });
        break;
      }
      const arg: TArg = { value: this.eval(k), span: k };
      out.positional.push(arg);
    }
    return out;
  }

  /**
   * Evaluates a call. With `statement` set (an expression statement), returns true when it was a model method that
   * must not get an "ignored" note; otherwise returns the call's value.
   */
  private evalCall(n: SyntaxNode, statement: true): boolean;
  private evalCall(n: SyntaxNode, statement: false): TValue;
  private evalCall(n: SyntaxNode, statement: boolean): TValue | boolean {
    const callee = this.kids(n)[0];
    if (!callee) return statement ? false : unknown('a call');
    if (callee.name === 'MemberExpression' && callee.lastChild?.name === 'PropertyName' && callee.firstChild) {
      const method = this.src(callee.lastChild);
      const obj = this.eval(callee.firstChild);
      if (obj.kind === 'model') {
        const v = this.modelMethod(obj.model, method, n, this.src(callee.firstChild));
        return statement ? v.handled : v.value;
      }
      if (obj.kind === 'dataset') return statement ? false : obj;
      if (obj.kind === 'unknown' && callee.firstChild.name === 'VariableName' && ['summary', 'compile', 'fit', 'add', 'evaluate', 'predict'].includes(method)) {
        const name = this.src(callee.firstChild);
        const latest = this.models[this.models.length - 1];
        this.sink.warning(
          'undefined-model',
          callee.firstChild,
          `\`${name}\` is not defined at this point, so ${name}.${method}() is ignored${latest?.varName ? ` (did you mean ${latest.varName}.${method}()?)` : ''}.`,
        );
        return statement ? true : unknown(`the result of ${name}.${method}()`);
      }
      if (obj.kind === 'symbol') {
        const v = this.callSymbol(normalizePath(`${obj.path}.${method}`), n);
        return statement ? false : v;
      }
      return statement ? false : unknown(`the result of \`${this.src(callee).slice(0, 40)}()\``);
    }
    const fn = this.eval(callee);
    if (fn.kind === 'symbol') {
      const v = this.callSymbol(fn.path, n);
      return statement ? false : v;
    }
    if (fn.kind === 'unsafe') return statement ? false : { kind: 'unsafe', reason: `the result of calling ${fn.reason}` };
    if (fn.kind === 'user-function') {
      return statement
        ? false
        : { kind: 'unsafe', reason: `the result of your function ${fn.name}()${this.modelFunctions.has(fn.name) ? ', which builds Keras objects' : ''}` };
    }
    if (fn.kind === 'unknown' && callee.name === 'VariableName' && !this.env.has(this.src(callee))) {
      const name = this.src(callee);
      return statement ? false : { kind: 'unknown', reason: `\`${name}(...)\`, and ${name} is not defined`, undefinedCall: name };
    }
    return statement ? false : unknown(`the result of \`${this.src(callee).slice(0, 40)}()\``);
  }

  private callSymbol(path: string, n: SyntaxNode): TValue {
    const short = path.replace(/^keras\.(layers\.)?/, '');
    if (path.startsWith('builtins.')) return this.builtin(path.slice(9), n);
    const layer = /^keras\.layers\.(\w+)$/.exec(path)?.[1] ?? (path === 'keras.Input' || path === 'keras.InputLayer' ? short : undefined);
    if (layer !== undefined) return this.layerCall(layer, n);
    if (path === 'keras.Sequential' || path === 'keras.models.Sequential') return this.sequential(n);
    if (path === 'keras.Model' || path === 'keras.models.Model') {
      this.sink.warning(
        'functional-model',
        n,
        'Functional models (keras.Model(inputs, outputs)) are not supported and are ignored; build the model with Sequential([...]).',
      );
      return unknown('a functional keras.Model');
    }
    const obj = constructObject(path, this.callArgs(short, n), this.sink);
    if (obj) return obj;
    return unknown(`the result of ${path}()`);
  }

  private builtin(name: string, n: SyntaxNode): TValue {
    const args = this.callArgs(name, n);
    const a = args.positional[0]?.value;
    switch (name) {
      case 'len':
        if (a?.kind === 'seq') return int(a.items.length);
        if (a?.kind === 'string') return int(a.value.length);
        return unknown(`len() of ${a ? describe(a) : 'nothing'}`);
      case 'int':
        return a?.kind === 'number' ? int(Math.trunc(a.value)) : unknown('int() of a non-number');
      case 'float':
        return a?.kind === 'number' ? { kind: 'number', value: a.value, isInt: false } : unknown('float() of a non-number');
      case 'tuple':
      case 'list':
        return a?.kind === 'seq' ? { kind: 'seq', seq: name, items: a.items } : unknown(`${name}() of ${a ? describe(a) : 'nothing'}`);
      case 'abs':
        return a?.kind === 'number' ? { ...a, value: Math.abs(a.value) } : unknown('abs() of a non-number');
      case 'min':
      case 'max': {
        const vals = args.positional.length === 1 && a?.kind === 'seq' ? a.items : args.positional.map((p) => p.value);
        if (vals.length === 0 || vals.some((v) => v.kind !== 'number')) return unknown(`${name}() of non-numbers`);
        const nums = vals.map((v) => (v.kind === 'number' ? v.value : 0));
        return num(name === 'min' ? Math.min(...nums) : Math.max(...nums));
      }
      default:
        return unknown(`the result of ${name}()`);
    }
  }

  private layerCall(name: string, n: SyntaxNode): TValue {
    // Past the layer limit there is nothing useful to build, and building thousands of layers only costs time.
    if (++this.layerCalls > this.opts.maxLayers + 20) {
      if (!this.layersReported) {
        this.sink.error('limit-exceeded', n, `The source creates more than ${this.opts.maxLayers} layers, the limit for this exercise.`);
        this.layersReported = true;
      }
      return reported('a layer beyond the limit');
    }
    const args = this.callArgs(name, n);
    if (CODE_RUNNING_LAYERS.has(name)) return reported(`a ${name} layer`);
    if (INPUT_NAMES.has(name)) {
      const shape = buildInput(name as 'Input' | 'InputLayer', args, this.sink);
      return shape ? { kind: 'input', shape, span: n } : reported(`an invalid ${name}`);
    }
    const type = (SUPPORTED_LAYERS as readonly string[]).includes(name) ? (name as TSupportedLayer) : LAYER_ALIASES[name];
    if (type) {
      const layer = buildLayer(type, args, this.sink);
      return layer ? { kind: 'layer', layer } : reported(`an invalid ${name} layer`);
    }
    const list = SUPPORTED_LAYERS.join(', ');
    if (KNOWN_UNSUPPORTED_LAYERS.has(name)) {
      this.sink.error('unsupported-layer', n, `The layer ${name} is not supported by Epoch. Supported layers: Input, ${list}.`);
    } else {
      const hint = closest(name, [...SUPPORTED_LAYERS, 'Input', 'InputLayer']);
      this.sink.error('unknown-layer', n, `Unknown layer ${name}${hint ? ` (did you mean ${hint}?)` : ''}. Supported layers: Input, ${list}.`);
    }
    return reported(`an unsupported ${name} layer`);
  }

  private sequential(n: SyntaxNode): TValue {
    const args = this.callArgs('Sequential', n);
    const model: TModelState = { id: this.models.length + 1, varName: null, span: n, layers: [], compiles: [], fits: [] };
    this.models.push(model);
    const bound = bindArgs(
      args,
      [
        { name: 'layers', default: NONE },
        { name: 'trainable', default: bool(true) },
        { name: 'name', default: NONE },
      ],
      this.sink,
    );
    if (!bound) return { kind: 'model', model };
    const r = new ArgReader(args, bound, this.sink);
    r.mustBeDefault('trainable', (v) => v.kind === 'bool' && v.value, 'frozen models are not supported');
    const layers = r.raw('layers');
    if (layers.kind === 'none') return { kind: 'model', model };
    if (layers.kind !== 'seq') {
      model.incomplete = true;
      if (layers.kind === 'unsafe' || layers.kind === 'user-function') {
        this.sink.error(
          'not-allowed',
          r.span('layers'),
          `Sequential(): the layers come from ${describe(layers)}, which the checker does not run. Write the layers out in a list.`,
        );
      } else this.sink.error('unsupported-value', r.span('layers'), `Sequential() takes a list of layers, got ${describe(layers)}.`);
      return { kind: 'model', model };
    }
    const listNode = this.kids(this.kids(n).find((k) => k.name === 'ArgList') ?? n).find((k) => k.from === r.span('layers').from);
    const itemNodes = listNode ? this.kids(listNode).filter((k) => !['(', ')', '[', ']', ',', '*'].includes(k.name)) : [];
    layers.items.forEach((item, i) => this.addToModel(model, item, itemNodes[i] ?? r.span('layers'), 'Sequential()'));
    return { kind: 'model', model };
  }

  private addToModel(model: TModelState, item: TValue, span: TSpan, where: string): void {
    if (item.kind !== 'layer' && item.kind !== 'input') model.incomplete = true;
    if (item.kind === 'input') {
      if (model.layers.length > 0 || model.inputShape) {
        this.sink.error('misplaced-input', span, `${where}: Input must be the first item of the model.`);
      } else model.inputShape = { shape: item.shape, span: item.span };
      return;
    }
    if (item.kind === 'layer') {
      if (model.layers.includes(item.layer)) {
        this.sink.error('reused-layer', span, `${where}: this layer object is already in the model; create a new layer instead of reusing it.`);
        return;
      }
      model.layers.push(item.layer);
      return;
    }
    if (item.kind === 'unsafe' || item.kind === 'user-function') {
      this.sink.error('not-allowed', span, `${where}: this item comes from ${describe(item)}, which the checker does not run. Write each layer out.`);
    } else if (item.kind === 'model') {
      this.sink.error('unsupported-value', span, `${where}: nested models are not supported; list the layers directly.`);
    } else if (isReported(item)) {
      // Already reported where it was written.
    } else if (item.kind === 'unknown' && item.undefinedCall) {
      const hint = closest(item.undefinedCall, [...SUPPORTED_LAYERS, 'Input']);
      this.sink.error(
        'unknown-layer',
        span,
        `Unknown layer ${item.undefinedCall}${hint ? ` (did you mean ${hint}?)` : ''}. Supported layers: Input, ${SUPPORTED_LAYERS.join(', ')}.`,
      );
      // Already reported where the layer was written.
    } else {
      this.sink.error('not-a-layer', span, `${where}: expected a layer such as Dense(10), got ${describe(item)}.`);
    }
  }

  private modelMethod(model: TModelState, method: string, n: SyntaxNode, varText: string): { handled: boolean; value: TValue } {
    const name = model.varName ?? varText;
    const ignored = (what: string): { handled: boolean; value: TValue } => {
      this.sink.info('ignored-statement', n, `Ignored: ${name}.${method}() ${what}.`);
      return { handled: true, value: unknown(`the result of ${name}.${method}()`) };
    };
    switch (method) {
      case 'add': {
        const args = this.callArgs(`${name}.add`, n);
        const bound = bindArgs(
          args,
          [
            { name: 'layer', required: true },
            { name: 'rebuild', default: bool(true) },
          ],
          this.sink,
        );
        if (bound) this.addToModel(model, bound.get('layer')?.value ?? NONE, bound.get('layer')?.span ?? n, `${name}.add()`);
        return { handled: true, value: NONE };
      }
      case 'pop': {
        if (!model.layers.pop()) this.sink.error('unsupported-statement', n, `${name}.pop(): the model has no layers to remove.`);
        return { handled: true, value: NONE };
      }
      case 'build': {
        const args = this.callArgs(`${name}.build`, n);
        const bound = bindArgs(args, [{ name: 'input_shape', default: NONE }], this.sink);
        const v = bound?.get('input_shape')?.value;
        if (v?.kind === 'seq' && v.items[0]?.kind === 'none') {
          const r = new ArgReader(
            args,
            new Map([['input_shape', { value: tuple(...v.items.slice(1)), span: bound?.get('input_shape')?.span ?? n }]]),
            this.sink,
          );
          const shape = shapeArg(r, 'input_shape');
          if (shape) model.inputShape = { shape, span: n };
        } else this.sink.error('invalid-shape', n, `${name}.build() needs the input shape with the batch dimension, e.g. (None, 32, 32, 3).`);
        return { handled: true, value: NONE };
      }
      case 'compile':
        return { handled: true, value: this.compile(model, name, n) };
      case 'fit':
        return { handled: true, value: this.fit(model, name, n) };
      case 'summary': {
        const latest = this.models[this.models.length - 1];
        if (latest && latest !== model && latest.varName) {
          this.sink.warning(
            'stale-model',
            n,
            `${varText}.summary() shows \`${varText}\`, not \`${latest.varName}\` defined just before (line ${this.lineOf(latest.span)}); did you mean ${latest.varName}.summary()?`,
          );
          return { handled: true, value: NONE };
        }
        return ignored('prints the summary; see the table below');
      }
      default:
        return ignored('does not change the model');
    }
  }

  private lineOf(span: TSpan): number {
    let line = 1;
    for (let i = 0; i < span.from && i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) line++;
    return line;
  }

  private compile(model: TModelState, name: string, n: SyntaxNode): TValue {
    const args = this.callArgs(`${name}.compile`, n);
    const params: TParam[] = [
      { name: 'optimizer', default: str('rmsprop') },
      { name: 'loss', default: NONE },
      { name: 'loss_weights', default: NONE },
      { name: 'metrics', default: NONE },
      { name: 'weighted_metrics', default: NONE },
      { name: 'run_eagerly', default: bool(false) },
      { name: 'steps_per_execution', default: int(1) },
      { name: 'jit_compile', default: str('auto') },
      { name: 'auto_scale_loss', default: bool(true) },
    ];
    const bound = bindArgs(args, params, this.sink);
    if (!bound) return NONE;
    const r = new ArgReader(args, bound, this.sink);
    const optimizer = optimizerFrom(r.raw('optimizer'), r.span('optimizer'), this.sink);
    const loss = lossFrom(r.raw('loss'), r.span('loss'), this.sink);
    const metrics = metricsFrom(r.raw('metrics'), r.span('metrics'), this.sink);
    r.mustBeDefault('loss_weights', (v) => v.kind === 'none', 'the model has one output');
    r.mustBeDefault('weighted_metrics', (v) => v.kind === 'none', 'sample weights are not used');
    const previous = model.compiles[model.compiles.length - 1];
    if (previous) {
      this.sink.warning(
        'compiled-twice',
        n,
        `${name} is compiled again (it was already compiled on line ${this.lineOf(previous.span)}); the last compile() is the one used.`,
      );
    }
    if (optimizer && loss && metrics && r.ok) {
      model.compiles.push({ optimizer, loss, metrics, span: n, optimizerSpan: r.span('optimizer') });
    } else if (!previous) {
      // Record that compile() exists so the student is not also told "no compile found".
      model.compileFailed = true;
    }
    return NONE;
  }

  private fit(model: TModelState, name: string, n: SyntaxNode): TValue {
    const args = this.callArgs(`${name}.fit`, n);
    const params: TParam[] = [
      { name: 'x', default: NONE },
      { name: 'y', default: NONE },
      { name: 'batch_size', default: NONE },
      { name: 'epochs', default: int(1) },
      { name: 'verbose', default: str('auto') },
      { name: 'callbacks', default: NONE },
      { name: 'validation_split', default: num(0) },
      { name: 'validation_data', default: NONE },
      { name: 'shuffle', default: bool(true) },
      { name: 'class_weight', default: NONE },
      { name: 'sample_weight', default: NONE },
      { name: 'initial_epoch', default: int(0) },
      { name: 'steps_per_epoch', default: NONE },
      { name: 'validation_steps', default: NONE },
      { name: 'validation_batch_size', default: NONE },
      { name: 'validation_freq', default: int(1) },
    ];
    const result = unknown(`the training history of ${name}`);
    const bound = bindArgs(args, params, this.sink);
    if (!bound) {
      model.fitFailed = true;
      return result;
    }
    const r = new ArgReader(args, bound, this.sink);
    const epochs = r.number('epochs', { int: true, min: 1, max: 1_000_000 });
    let batchSize = 64;
    const x = r.raw('x');
    if (r.has('batch_size') && r.raw('batch_size').kind !== 'none') {
      if (x.kind === 'dataset') {
        this.sink.warning(
          'batch-size-ignored',
          r.span('batch_size'),
          `${name}.fit(): batch_size is ignored when training on a tf.data dataset: ${x.name} is already batched (${batchSize} images per batch).`,
        );
      } else {
        const b = r.number('batch_size', { int: true, min: 1, max: 4096 });
        if (b !== undefined) batchSize = b;
      }
    }
    for (const k of ['callbacks', 'class_weight', 'sample_weight', 'steps_per_epoch', 'validation_steps']) {
      if (r.has(k) && r.raw(k).kind !== 'none')
        this.sink.warning('argument-ignored', r.span(k), `${name}.fit(): ${k} is ignored; Epoch trains with the exercise's own data and settings.`);
    }
    if (r.has('validation_split') && !(r.raw('validation_split').kind === 'number' && (r.raw('validation_split') as { value: number }).value === 0)) {
      this.sink.warning('argument-ignored', r.span('validation_split'), `${name}.fit(): validation_split is ignored; the exercise provides validation_data.`);
    }
    if (r.has('initial_epoch') && !(r.raw('initial_epoch').kind === 'number' && (r.raw('initial_epoch') as { value: number }).value === 0)) {
      this.sink.warning('argument-ignored', r.span('initial_epoch'), `${name}.fit(): initial_epoch is ignored; training always starts from the first epoch.`);
    }
    if (model.compiles.length === 0 && !model.compileFailed) model.fitBeforeCompile ??= n;
    const previous = model.fits[model.fits.length - 1];
    if (previous)
      this.sink.warning('fitted-twice', n, `${name} is trained again (also on line ${this.lineOf(previous.span)}); the epochs of the last fit() are used.`);
    if (epochs !== undefined && r.ok) model.fits.push({ epochs, batchSize, span: n, epochsSpan: r.span('epochs') });
    else model.fitFailed = true;
    return result;
  }
}
