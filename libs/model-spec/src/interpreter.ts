import type { SyntaxNode } from '@lezer/common';
import { ArgReader, bindArgs, type TArg, type TCallArgs, type TKeywordArg, type TParam } from './call-args';
import {
  DATASETS,
  expandDims,
  loadData,
  modelImageShape,
  reshape,
  shapeTuple,
  squeeze,
  subscriptArray,
  toCategorical,
  trainTestSplit,
  type TSubscript,
} from './data-values';
import type { DiagnosticSink, TSpan } from './diagnostic-sink';
import { activationSymbol, constructObject, lossFrom, metricsFrom, optimizerFrom } from './keras-objects';
import {
  CODE_RUNNING_LAYERS,
  INPUT_NAMES,
  KERAS_CALLABLES,
  KNOWN_UNSUPPORTED_LAYERS,
  LAYER_ALIASES,
  LEGACY_OPTIMIZER_ALIASES,
  LOSS_NAMES,
  MERGE_FUNCTIONS,
  MERGE_LAYERS,
  OPTIMIZER_CLASSES,
  SUPPORTED_LAYERS,
  closest,
  importHint,
  normalizePath,
  type TSupportedLayer,
} from './keras-symbols';
import { buildInput, buildLayer, shapeArg } from './layer-builders';
import { importedModules } from './safety-scan';
import { layerShape } from './shape-inference';
import {
  NONE,
  bool,
  describe,
  int,
  isReported,
  isSymbolic,
  num,
  reported,
  str,
  tuple,
  unknown,
  type TArrayValue,
  type TFunctionParam,
  type TLayerInstance,
  type TModelState,
  type TSymbolic,
  type TValue,
} from './values';

/** Deepest expression nesting evaluated; deeper input is refused rather than risking the stack. */
export const MAX_EXPRESSION_DEPTH = 100;
/** Longest sequence built by constant folding (`[0] * n`), so no input can allocate much. */
const MAX_SEQUENCE = 10_000;
/** Statements run in all (loops and calls repeat them): beyond this the checker stops, so no input can hang it. */
const MAX_STEPS = 10_000;
/** Nested calls of the student's functions (recursion stops here). */
const MAX_CALL_DEPTH = 20;
/** Items a loop may go over. */
const MAX_LOOP_ITEMS = 1_000;

const COMPOUND = new Set(['WhileStatement', 'WithStatement', 'TryStatement', 'ClassDefinition', 'MatchStatement']);
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
const MODEL_BUILDING_METHODS = new Set(['add', 'compile', 'fit', 'fit_generator', 'pop', 'build']);
/** Module aliases whose absence is reported where they are used (plotting and other libraries are not: unused). */
const KERAS_MODULE_ALIASES = new Set([
  'tf',
  'keras',
  'layers',
  'models',
  'optimizers',
  'losses',
  'metrics',
  'K',
  'backend',
  'utils',
  'datasets',
  'regularizers',
  'initializers',
  'callbacks',
  'activations',
]);
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

/** A statement's effect on the statements after it: a return (with its value), a break or a continue. */
type TFlow = { kind: 'return'; value: TValue } | { kind: 'break' } | { kind: 'continue' } | undefined;

/** Thrown when the source runs more statements than MAX_STEPS: the checker stops interpreting there. */
class StepLimit extends Error {}

/** The lesson's setup cells, as if they had run: its imports and its predefined constants and datasets. */
export function lessonEnvironment(): Map<string, TValue> {
  const env = new Map<string, TValue>();
  const sym = (path: string): TValue => ({ kind: 'symbol', path });
  for (const b of BUILTINS) env.set(b, sym(`builtins.${b}`));
  env.set('__name__', str('__main__'));
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
      return [
        ...SUPPORTED_LAYERS,
        ...Object.keys(LAYER_ALIASES),
        ...Object.keys(MERGE_FUNCTIONS),
        ...INPUT_NAMES,
        ...KNOWN_UNSUPPORTED_LAYERS,
        ...CODE_RUNNING_LAYERS,
      ];
    case 'keras.models':
      return ['Sequential', 'Model'];
    case 'keras.optimizers':
      return [...Object.keys(OPTIMIZER_CLASSES), ...Object.keys(LEGACY_OPTIMIZER_ALIASES)];
    case 'keras.losses':
      return Object.keys(LOSS_NAMES).filter((n) => /^[A-Z]/.test(n) || n.includes('_'));
    case 'keras':
      return ['Sequential', 'Model', 'Input', 'layers', 'models', 'optimizers', 'losses', 'metrics', 'initializers', 'regularizers', 'activations'];
    default:
      return [];
  }
}

/** Python's truth value of a constant; undefined when it cannot be known without running code. */
function truthy(v: TValue): boolean | undefined {
  switch (v.kind) {
    case 'bool':
      return v.value;
    case 'number':
      return v.value !== 0;
    case 'string':
      return v.value.length > 0;
    case 'none':
      return false;
    case 'seq':
      return v.items.length > 0;
    case 'symbol':
    case 'layer':
    case 'model':
    case 'optimizer':
    case 'loss':
    case 'user-function':
    case 'activation':
    case 'initializer':
    case 'metric':
    case 'regularizer':
    case 'input':
    case 'tensor':
    case 'dataset':
      return true;
    case 'array':
    case 'unknown':
    case 'unsafe':
      return undefined;
  }
}

export interface TInterpretOptions {
  maxLayers: number;
  /** The exercise's images (without the batch axis) and classes, to compare with the data the code loads. */
  data?: { inputShape?: number[]; classes?: number };
  /** Offsets of numbers written with a trailing dot (`255.`): floats, although the parser saw `255`. */
  floatAt?: ReadonlySet<number>;
}

/**
 * Interprets the safe subset of Python, statement by statement, without running anything: constants, Keras
 * constructors, the functional API, compile and fit; the student's functions where they are called, `if` statements
 * whose condition is a constant, and `for` loops over constant lists that build the model. Statements that cannot
 * affect the model are skipped with an info note; anything that would feed the model from code the checker does not
 * run is an error that says why.
 */
export class Interpreter {
  readonly env = lessonEnvironment();
  readonly models: TModelState[] = [];
  /** Set once the source created more layers than the checker builds (maxLayers + 20). */
  layersReported = false;
  /** Names reported as undefined (each once). */
  readonly undefinedReported = new Set<string>();
  private depth = 0;
  private depthReported = false;
  private layerCalls = 0;
  private steps = 0;
  private tensorSeq = 0;
  /** The local scopes of the functions being run (innermost last); names not found there are global. */
  private readonly scopes: Map<string, TValue>[] = [];
  /** The functions being run, for messages ("in build_model(): ..."). */
  private readonly frames: string[] = [];
  private readonly defined: { name: string; node: SyntaxNode }[] = [];
  private readonly called = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly sink: DiagnosticSink,
    private readonly opts: TInterpretOptions,
  ) {}

  private static done(this: void, value: TValue, handled = false): { value: TValue; handled: boolean } {
    return { value, handled };
  }

  run(script: SyntaxNode): void {
    try {
      for (let s = script.firstChild; s; s = s.nextSibling) this.exec(s);
    } catch (e) {
      if (!(e instanceof StepLimit)) throw e;
    }
    for (const f of this.defined) {
      if (!this.called.has(f.name)) this.sink.info('ignored-statement', f.node, `Ignored: the function ${f.name}() is never called.`);
    }
  }

  private src(n: SyntaxNode | TSpan): string {
    return this.text.slice(n.from, n.to);
  }

  private kids(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
    return out;
  }

  /** "in build_model(): " while running a function, for messages. */
  private where(): string {
    const f = this.frames[this.frames.length - 1];
    return f ? `In ${f}(): ` : '';
  }

  // ------------------------------------------------------------------ names

  private lookup(name: string): TValue | undefined {
    const local = this.scopes[this.scopes.length - 1];
    return local?.get(name) ?? this.env.get(name);
  }

  private defined_(name: string): boolean {
    return this.scopes[this.scopes.length - 1]?.has(name) === true || this.env.has(name);
  }

  private setName(name: string, value: TValue): void {
    (this.scopes[this.scopes.length - 1] ?? this.env).set(name, value);
  }

  /**
   * An undefined name that would build the model (`models.Sequential()` without importing `models`, `Sequentail()`) is
   * an error at the name, with the import that defines it or the name meant. Others stay unknown values, reported
   * only if they reach the model.
   */
  private undefinedName(node: SyntaxNode, asModule: boolean): TValue | undefined {
    const name = this.src(node);
    if (this.defined_(name)) return undefined;
    const hint = importHint(name);
    const close = hint ? undefined : closest(name, KERAS_CALLABLES);
    // A misspelt layer (`Dens(2)`) is reported where it is used, as an unknown layer with the list of supported ones.
    if (!asModule && !hint && close && (SUPPORTED_LAYERS as readonly string[]).includes(close)) return undefined;
    if (asModule ? !KERAS_MODULE_ALIASES.has(name) : !hint && !close) return undefined;
    if (!this.undefinedReported.has(name)) {
      this.undefinedReported.add(name);
      this.sink.error(
        'undefined-name',
        node,
        hint ? `\`${name}\` is not defined: add \`${hint}\` at the top.` : `\`${name}\` is not defined${close ? ` (did you mean ${close}?)` : ''}.`,
      );
    }
    return reported(`\`${name}\`, which is not defined`);
  }

  // ------------------------------------------------------------------ statements

  private step(at: SyntaxNode): void {
    if (++this.steps <= MAX_STEPS) return;
    this.sink.error(
      'limit-exceeded',
      at,
      `The checker stopped here: the code's loops and function calls run more than ${MAX_STEPS.toLocaleString('en-US')} statements. Build the model with fewer repetitions.`,
    );
    throw new StepLimit();
  }

  private exec(s: SyntaxNode): TFlow {
    switch (s.name) {
      case 'Comment':
        return undefined;
      case 'StatementGroup':
        for (const c of this.kids(s)) {
          if (c.name === ';') continue;
          const flow = this.exec(c);
          if (flow) return flow;
        }
        return undefined;
      case 'ImportStatement':
        this.importStatement(s);
        return undefined;
      case 'AssignStatement':
        this.assign(s);
        return undefined;
      case 'UpdateStatement':
        this.update(s);
        return undefined;
      case 'ExpressionStatement':
        this.expressionStatement(s);
        return undefined;
      case 'PassStatement':
      case 'ScopeStatement':
        return undefined;
      case 'ReturnStatement': {
        if (this.frames.length === 0) {
          this.sink.info('ignored-statement', s, 'Ignored: return outside a function.');
          return undefined;
        }
        const value = this.kids(s).find((k) => k.name !== 'return');
        return { kind: 'return', value: value ? this.eval(value) : NONE };
      }
      case 'BreakStatement':
        return { kind: 'break' };
      case 'ContinueStatement':
        return { kind: 'continue' };
      case 'IfStatement':
        return this.ifStatement(s);
      case 'ForStatement':
        return this.forStatement(s);
      case 'FunctionDefinition':
      case 'DecoratedStatement':
        this.defineFunction(s);
        return undefined;
      case 'ClassDefinition': {
        this.compound(s);
        const name = this.kids(s).find((k) => k.name === 'VariableName');
        if (name) this.setName(this.src(name), { kind: 'unsafe', reason: `your class ${this.src(name)}, which the checker does not run` });
        return undefined;
      }
      default:
        if (COMPOUND.has(s.name)) this.compound(s);
        else if (!s.type.isError) this.sink.info('ignored-statement', s, 'Ignored: this statement does not affect the model.');
        return undefined;
    }
  }

  private execBody(body: SyntaxNode | undefined): TFlow {
    if (!body) return undefined;
    for (const s of this.kids(body)) {
      if (s.name === ':') continue;
      // Only statements in bodies (of functions, loops and ifs) can repeat; the top level is bounded by the source size.
      this.step(s);
      const flow = this.exec(s);
      if (flow) return flow;
    }
    return undefined;
  }

  private importStatement(s: SyntaxNode): void {
    const kids = this.kids(s);
    const modules = importedModules(s, this.text);
    if (kids[0]?.name === 'from') {
      const mod = modules[0]?.path ?? '';
      const importAt = kids.findIndex((k) => k.name === 'import');
      const names = kids.slice(importAt + 1).filter((k) => k.name !== ',' && k.name !== '(' && k.name !== ')');
      if (names.some((k) => k.name === '*')) {
        for (const name of starNames(normalizePath(mod))) this.setName(name, { kind: 'symbol', path: normalizePath(`${mod}.${name}`) });
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
        this.setName(alias, this.symbolValue(normalizePath(`${mod}.${orig}`)));
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
        if (alias) this.setName(this.src(alias), { kind: 'symbol', path: normalizePath(parts.join('.')) });
        i += 2;
      } else if (parts[0]) this.setName(parts[0], { kind: 'symbol', path: normalizePath(parts[0]) });
      if (kids[i]?.name === ',') i++;
    }
  }

  private assign(s: SyntaxNode): void {
    const kids = this.kids(s);
    const ops = kids.map((k, i) => (k.name === 'AssignOp' ? i : -1)).filter((i) => i >= 0);
    const lastOp = ops[ops.length - 1];
    if (lastOp === undefined) return;
    // `a, b = 28, 28`: the values after the last `=` form a tuple.
    const valueNodes = kids.slice(lastOp + 1).filter((k) => k.name !== ',' && k.name !== 'TypeDef');
    if (valueNodes.length === 0) return;
    const value = valueNodes.length === 1 ? this.eval(valueNodes[0] as SyntaxNode) : tuple(...valueNodes.map((v) => this.eval(v)));
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
    if (value.kind === 'unknown' && this.lookup(name)?.kind === 'dataset') return;
    this.setName(name, value);
  }

  private update(s: SyntaxNode): void {
    const kids = this.kids(s);
    const [target, op, rhs] = kids;
    if (!target || !op || !rhs || target.name !== 'VariableName') return;
    const name = this.src(target);
    const before = this.lookup(name) ?? unknown(`\`${name}\`, which is not defined`);
    this.setName(name, this.binary(before, this.src(op).replace('=', ''), this.eval(rhs)));
  }

  private expressionStatement(s: SyntaxNode): void {
    const expr = this.kids(s)[0];
    if (!expr) return;
    if (expr.name === 'CallExpression') {
      const handled = this.evalCall(expr, true);
      if (handled) return;
    }
    const plotting = /^\s*(plt|matplotlib|sns|seaborn)\b/.test(this.src(expr));
    this.sink.info(plotting ? 'ignored-plot' : 'ignored-statement', s, 'Ignored: this statement does not affect the model.');
  }

  /** `if` with a constant condition runs its branch (`if __name__ == '__main__':` too); otherwise it is not run. */
  private ifStatement(s: SyntaxNode): TFlow {
    const kids = this.kids(s);
    const branches: { cond?: SyntaxNode; body?: SyntaxNode }[] = [];
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i] as SyntaxNode;
      if (k.name === 'if' || k.name === 'elif') {
        branches.push({ cond: kids[i + 1], body: kids[i + 2] });
        i += 2;
      } else if (k.name === 'else') {
        branches.push({ body: kids[i + 1] });
        i += 1;
      }
    }
    for (const b of branches) {
      if (!b.cond) return this.execBody(b.body);
      const t = truthy(this.eval(b.cond));
      if (t === undefined) {
        this.compound(s, `its condition \`${this.src(b.cond).slice(0, 60)}\` is not a constant`);
        return undefined;
      }
      if (t) return this.execBody(b.body);
    }
    return undefined;
  }

  /** A `for` loop over a constant list, tuple or range() runs when it builds the model; other loops are not run. */
  private forStatement(s: SyntaxNode): TFlow {
    const kids = this.kids(s);
    const inAt = kids.findIndex((k) => k.name === 'in');
    const targets = kids.slice(1, inAt).filter((k) => k.name !== ',');
    const iterNode = kids[inAt + 1];
    const body = kids.find((k) => k.name === 'Body');
    const elseAt = kids.findIndex((k) => k.name === 'else');
    if (inAt < 0 || !iterNode || !body || !this.buildsModel(body)) {
      this.compound(s);
      return undefined;
    }
    const it = this.eval(iterNode);
    const items = it.kind === 'seq' ? it.items : it.kind === 'string' ? [...it.value].map(str) : null;
    if (!items || items.length > MAX_LOOP_ITEMS) {
      this.sink.error(
        'unsupported-statement',
        iterNode,
        `${this.where()}this loop builds the model, but it goes over ${items ? `${items.length.toLocaleString('en-US')} items (at most ${MAX_LOOP_ITEMS})` : describe(it)}: the checker runs loops only over a constant list, tuple or range(). Write the layers out.`,
      );
      return undefined;
    }
    let broke = false;
    for (const item of items) {
      this.bindTargets(targets, item);
      const flow = this.execBody(body);
      if (flow?.kind === 'return') return flow;
      if (flow?.kind === 'break') {
        broke = true;
        break;
      }
    }
    if (!broke && elseAt >= 0) return this.execBody(kids[elseAt + 1]);
    return undefined;
  }

  /** Whether code (not run yet) builds or changes a model: Keras constructors, layer calls, model methods, your functions. */
  private buildsModel(node: SyntaxNode): boolean {
    const cursor = node.cursor();
    const end = node.to;
    while (cursor.next() && cursor.from < end) if (this.nodeBuildsModel(cursor.node)) return true;
    return false;
  }

  /** One node of buildsModel's scan. */
  private nodeBuildsModel(n: SyntaxNode): boolean {
    if (n.name === 'AssignStatement') {
      const target = n.firstChild;
      const v = target?.name === 'VariableName' ? this.lookup(this.src(target)) : undefined;
      return v !== undefined && (v.kind === 'tensor' || v.kind === 'model' || v.kind === 'input');
    }
    if (n.name !== 'CallExpression') return false;
    const callee = n.firstChild;
    if (!callee) return false;
    if (callee.name === 'CallExpression') return true;
    if (callee.name === 'MemberExpression') {
      const obj = callee.firstChild;
      const prop = callee.lastChild;
      if (
        obj?.name === 'VariableName' &&
        prop?.name === 'PropertyName' &&
        MODEL_BUILDING_METHODS.has(this.src(prop)) &&
        this.lookup(this.src(obj))?.kind === 'model'
      )
        return true;
    }
    if (callee.name === 'VariableName') {
      const v = this.lookup(this.src(callee));
      if (v?.kind === 'user-function' || v?.kind === 'layer' || v?.kind === 'model') return true;
    }
    const path = this.staticPath(callee, 0);
    return path !== undefined && /^keras\.(layers\.\w+|Sequential|models\.Sequential|Input|Model|models\.Model)$/.test(path);
  }

  /** Loops, conditions and blocks that are not run must not build the model. */
  private compound(s: SyntaxNode, why?: string): void {
    const word = COMPOUND_WORD[s.name] ?? 'a block';
    const assigned = new Set<string>();
    let reportedHere = false;
    let buildsKeras = false;
    const cursor = s.cursor();
    const end = s.to;
    while (cursor.next() && cursor.from < end) {
      const n = cursor.node;
      if (!buildsKeras && this.nodeBuildsModel(n)) buildsKeras = true;
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
      } else if (n.name === 'CallExpression' && !reportedHere) {
        const callee = n.firstChild;
        if (callee?.name === 'MemberExpression') {
          const obj = callee.firstChild;
          const prop = callee.lastChild;
          if (
            obj?.name === 'VariableName' &&
            prop?.name === 'PropertyName' &&
            MODEL_BUILDING_METHODS.has(this.src(prop)) &&
            this.lookup(this.src(obj))?.kind === 'model'
          ) {
            this.sink.error(
              'unsupported-statement',
              n,
              `${this.where()}\`${this.src(obj)}.${this.src(prop)}(...)\` inside ${word} is not supported: ${why ? `the checker does not run it because ${why}` : 'the checker does not run this kind of block'}. Write the model's statements outside it.`,
            );
            reportedHere = true;
          }
        }
      }
    }
    for (const name of assigned) {
      const before = this.lookup(name);
      if (before?.kind === 'dataset') continue;
      this.setName(name, unknown(`\`${name}\`, which is assigned inside ${word} that the checker does not run`));
    }
    if (buildsKeras && !reportedHere) {
      this.sink.error(
        'unsupported-statement',
        s,
        `${this.where()}Keras layers or models created inside ${word} are not supported: ${why ? `the checker does not run it because ${why}` : 'the checker does not run this kind of block'}. Write each layer out outside it.`,
      );
    } else if (!reportedHere)
      this.sink.info('ignored-statement', s, `Ignored: ${word} is not run by the checker${why ? ` (${why})` : ''} and does not affect the model.`);
  }

  /** The dotted path a callee names, without evaluating anything (used inside blocks that are not run). */
  private staticPath(n: SyntaxNode, depth: number): string | undefined {
    if (depth > 20) return undefined;
    if (n.name === 'VariableName') {
      const v = this.lookup(this.src(n));
      return v?.kind === 'symbol' ? v.path : undefined;
    }
    if (n.name === 'MemberExpression' && n.lastChild?.name === 'PropertyName' && n.firstChild) {
      const base = this.staticPath(n.firstChild, depth + 1);
      return base ? normalizePath(`${base}.${this.src(n.lastChild)}`) : undefined;
    }
    return undefined;
  }

  // ------------------------------------------------------------------ functions

  /** `def f(...)`: a value called later; its defaults are evaluated now, as Python does. */
  private defineFunction(s: SyntaxNode): void {
    const decorated = s.name === 'DecoratedStatement';
    const def = decorated ? this.kids(s).find((k) => k.name === 'FunctionDefinition') : s;
    if (!def) {
      this.compound(s);
      return;
    }
    const kids = this.kids(def);
    const nameNode = kids.find((k) => k.name === 'VariableName');
    if (!nameNode) return;
    const name = this.src(nameNode);
    const paramList = kids.find((k) => k.name === 'ParamList');
    const params: TFunctionParam[] = [];
    let mode: TFunctionParam['kind'] = 'normal';
    const pk = paramList ? this.kids(paramList) : [];
    for (let i = 0; i < pk.length; i++) {
      const k = pk[i] as SyntaxNode;
      if (k.name === '*') {
        if (pk[i + 1]?.name === 'VariableName') params.push({ name: this.src(pk[++i] as SyntaxNode), kind: 'star' });
        mode = 'keyword-only';
      } else if (k.name === '**') {
        if (pk[i + 1]?.name === 'VariableName') params.push({ name: this.src(pk[++i] as SyntaxNode), kind: 'star-star' });
      } else if (k.name === 'VariableName') {
        const p: TFunctionParam = { name: this.src(k), kind: mode };
        if (pk[i + 1]?.name === 'TypeDef') i++;
        if (pk[i + 1]?.name === 'AssignOp' && pk[i + 2]) {
          p.default = this.eval(pk[i + 2] as SyntaxNode);
          i += 2;
        }
        params.push(p);
      }
    }
    let unsupported: string | undefined;
    if (decorated) unsupported = 'it is decorated, and the checker does not run decorators';
    else if (kids[0]?.name === 'async') unsupported = 'it is async';
    else if (this.contains(def, 'YieldStatement') || this.contains(def, 'YieldExpression')) unsupported = 'it is a generator (it yields)';
    this.setName(name, { kind: 'user-function', name, node: def, params, unsupported });
    if (this.frames.length === 0) this.defined.push({ name, node: s });
  }

  private contains(node: SyntaxNode, name: string): boolean {
    const cursor = node.cursor();
    const end = node.to;
    while (cursor.next() && cursor.from < end) if (cursor.name === name) return true;
    return false;
  }

  /** Runs the student's function with its arguments bound; its result is what it returns. */
  private callUser(fn: Extract<TValue, { kind: 'user-function' }>, n: SyntaxNode): TValue {
    this.called.add(fn.name);
    const body = fn.node ? this.kids(fn.node).find((k) => k.name === 'Body') : undefined;
    if (fn.unsupported || !body) {
      return { kind: 'unsafe', reason: `the result of your function ${fn.name}(), which the checker cannot run: ${fn.unsupported ?? 'it has no body'}` };
    }
    if (this.frames.length >= MAX_CALL_DEPTH) {
      // Recursion: the checker stops interpreting here (going on would repeat the same calls many times over).
      this.sink.error('limit-exceeded', n, `${fn.name}() calls functions more than ${MAX_CALL_DEPTH} levels deep; the checker stops there.`);
      throw new StepLimit();
    }
    const args = this.callArgs(fn.name, n);
    const fail = (message: string): TValue => {
      this.sink.error('unsupported-argument', n, `${fn.name}(): ${message}`);
      return reported(`a call of ${fn.name}() with wrong arguments`);
    };
    if (args.unpacked) return fail('`*`/`**` unpacking is not supported; write the arguments out.');
    const params = fn.params ?? [];
    const scope = new Map<string, TValue>();
    const positional = params.filter((p) => p.kind === 'normal');
    const star = params.find((p) => p.kind === 'star');
    args.positional.forEach((a, i) => {
      const p = positional[i];
      if (p) scope.set(p.name, a.value);
    });
    if (args.positional.length > positional.length && !star)
      return fail(`takes ${positional.length} positional argument${positional.length === 1 ? '' : 's'} but ${args.positional.length} were given.`);
    if (star) scope.set(star.name, tuple(...args.positional.slice(positional.length).map((a) => a.value)));
    const kwstar = params.find((p) => p.kind === 'star-star');
    for (const kw of args.keywords) {
      const p = params.find((q) => q.name === kw.name && (q.kind === 'normal' || q.kind === 'keyword-only'));
      if (!p) {
        if (kwstar) return fail(`keyword arguments collected by **${kwstar.name} are not supported; name the parameter.`);
        return fail(`got an unexpected keyword argument '${kw.name}'.`);
      }
      if (scope.has(kw.name)) return fail(`got multiple values for argument '${kw.name}'.`);
      scope.set(kw.name, kw.value);
    }
    if (kwstar) scope.set(kwstar.name, unknown(`the keyword arguments of ${fn.name}()`));
    for (const p of params) {
      if (scope.has(p.name)) continue;
      if (!p.default) return fail(`missing its required argument '${p.name}'.`);
      scope.set(p.name, p.default);
    }
    this.scopes.push(scope);
    this.frames.push(fn.name);
    try {
      const flow = this.execBody(body);
      return flow?.kind === 'return' ? flow.value : NONE;
    } finally {
      this.scopes.pop();
      this.frames.pop();
    }
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
        return this.number(this.src(n), n.from);
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
        return this.lookup(name) ?? unknown(`\`${name}\`, which is not defined at this point`);
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
        if (o === 'not') {
          const t = truthy(v);
          return t === undefined ? unknown(`\`${this.src(n).slice(0, 40)}\``) : bool(!t);
        }
        if (v.kind === 'array' && (o === '-' || o === '+')) return v;
        return unknown(`\`${this.src(n).slice(0, 40)}\``);
      }
      case 'BinaryExpression': {
        const kids = this.kids(n);
        const l = kids[0];
        const r = kids[kids.length - 1];
        if (!l || !r || kids.length < 3) return unknown('an incomplete expression');
        const op = kids
          .slice(1, -1)
          .map((k) => this.src(k))
          .join(' ');
        const left = this.eval(l);
        // `and` / `or` return one of their operands, as in Python, and do not evaluate the second when not needed.
        if (op === 'and' || op === 'or') {
          const t = truthy(left);
          if (t === undefined) return unknown(`\`${this.src(n).slice(0, 40)}\``);
          return (op === 'and') === t ? this.eval(r) : left;
        }
        return this.binary(left, op, this.eval(r));
      }
      case 'ConditionalExpression': {
        const [then, , cond, , otherwise] = this.kids(n);
        if (!then || !cond || !otherwise) return unknown('an incomplete expression');
        const t = truthy(this.eval(cond));
        return t === undefined ? unknown(`\`${this.src(n).slice(0, 40)}\``) : this.eval(t ? then : otherwise);
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

  private number(text: string, at: number): TValue {
    const t = text.replace(/_/g, '');
    if (/[jJ]$/.test(t)) return unknown('a complex number');
    if (/^0[xob]/i.test(t)) return int(Number(t));
    if (/^\d+$/.test(t)) return this.opts.floatAt?.has(at) ? { kind: 'number', value: Number(t), isInt: false } : int(Number(t));
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
    const compare = this.compare(l, op, r);
    if (compare) return compare;
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
    // Element-wise arithmetic keeps an array's shape (x_train / 255.0, x - mean).
    if (['+', '-', '*', '/', '//', '**', '%'].includes(op)) {
      if (l.kind === 'array' && (r.kind === 'number' || (r.kind === 'array' && r.shape.join() === l.shape.join()))) return l;
      if (r.kind === 'array' && l.kind === 'number') return r;
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

  /** Comparisons of constants (==, <, in, is None, ...); null when `op` is not a comparison. */
  private compare(l: TValue, op: string, r: TValue): TValue | null {
    const constant = (v: TValue): string | number | boolean | null | undefined =>
      v.kind === 'number' || v.kind === 'string' || v.kind === 'bool' ? v.value : v.kind === 'none' ? null : undefined;
    const a = constant(l);
    const b = constant(r);
    switch (op) {
      case '==':
      case '!=':
      case 'is':
      case 'is not': {
        if (a === undefined || b === undefined) return unknown(`the result of \`${op}\``);
        const same = a === b;
        return bool(op === '==' || op === 'is' ? same : !same);
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        if (typeof a !== 'number' || typeof b !== 'number') return unknown(`the result of \`${op}\``);
        return bool(op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b);
      }
      case 'in':
      case 'not in': {
        if (a === undefined || (r.kind !== 'seq' && r.kind !== 'string')) return unknown(`the result of \`${op}\``);
        const found = r.kind === 'string' ? typeof a === 'string' && r.value.includes(a) : r.items.some((i) => constant(i) === a);
        return bool(op === 'in' ? found : !found);
      }
      default:
        return null;
    }
  }

  /** A subscript's items: `[1:]`, `[..., None]`, `[:, :, np.newaxis]`, `[0]`. Null when one is not a constant. */
  private subscript(kids: SyntaxNode[]): TSubscript[] | null {
    const groups: SyntaxNode[][] = [[]];
    for (const k of kids) {
      if (k.name === ',') groups.push([]);
      else groups[groups.length - 1]?.push(k);
    }
    const out: TSubscript[] = [];
    for (const g of groups) {
      if (g.length === 0) continue;
      if (g.some((k) => k.name === ':')) {
        const parts: (number | undefined)[] = [];
        let current: number | undefined;
        for (const k of g) {
          if (k.name === ':') {
            parts.push(current);
            current = undefined;
          } else {
            const v = this.eval(k);
            if (v.kind !== 'number' || !v.isInt) return null;
            current = v.value;
          }
        }
        parts.push(current);
        out.push({ kind: 'slice', start: parts[0], stop: parts[1], step: parts[2] });
      } else if (g.length === 1 && g[0]?.name === 'Ellipsis') out.push({ kind: 'ellipsis' });
      else if (g.length === 1) {
        const v = this.eval(g[0] as SyntaxNode);
        if (v.kind === 'none' || (v.kind === 'symbol' && v.path === 'numpy.newaxis')) out.push({ kind: 'newaxis' });
        else if (v.kind === 'number' && v.isInt) out.push({ kind: 'index' });
        else return null;
      } else return null;
    }
    return out;
  }

  private member(n: SyntaxNode): TValue {
    const kids = this.kids(n);
    const obj = kids[0];
    if (!obj) return unknown('an attribute');
    const base = this.eval(obj);
    if (base.kind === 'unsafe') return base;
    if (kids[1]?.name === '[') {
      const inner = kids.slice(2, kids[kids.length - 1]?.name === ']' ? -1 : undefined);
      if (base.kind === 'seq') {
        const items = this.subscript(inner);
        const only = items?.length === 1 ? items[0] : undefined;
        if (only?.kind === 'slice' && (only.step ?? 1) > 0)
          return { ...base, items: base.items.slice(only.start, only.stop).filter((_, i) => i % (only.step ?? 1) === 0) };
        const idx = inner.length === 1 ? this.eval(inner[0] as SyntaxNode) : unknown('a slice');
        if (idx.kind === 'number' && idx.isInt) {
          const i = idx.value < 0 ? base.items.length + idx.value : idx.value;
          return base.items[i] ?? unknown(`an index out of range in ${describe(base)}`);
        }
      }
      if (base.kind === 'array') {
        const items = this.subscript(inner);
        return items ? subscriptArray(base, items) : unknown(`a part of ${base.what}`);
      }
      if (base.kind === 'dataset') return base;
      return unknown(`\`${this.src(n).slice(0, 40)}\``);
    }
    const prop = kids[kids.length - 1];
    if (!prop || prop.name !== 'PropertyName') return unknown(`\`${this.src(n).slice(0, 40)}\``);
    const name = this.src(prop);
    if (base.kind === 'symbol') return this.symbolValue(normalizePath(`${base.path}.${name}`));
    if (base.kind === 'dataset') return base;
    if (base.kind === 'array') {
      if (name === 'shape') return shapeTuple(base);
      if (name === 'ndim') return int(base.shape.length);
      return unknown(`\`${this.src(n).slice(0, 40)}\``);
    }
    if (isSymbolic(base) && name === 'shape') {
      const shape = this.tensorShape(base);
      return shape ? tuple(NONE, ...shape.map(int)) : unknown(`the shape of ${describe(base)}`);
    }
    return unknown(`\`${this.src(n).slice(0, 40)}\``);
  }

  /** Keras functions used as values: `tf.nn.relu`, `keras.losses.categorical_crossentropy`, `keras.metrics.categorical_accuracy`. */
  private symbolValue(path: string): TValue {
    const act = activationSymbol(path);
    if (act) return { kind: 'activation', name: act };
    const loss = /^keras\.losses\.([a-z_]+)$/.exec(path)?.[1];
    const lossName = loss ? LOSS_NAMES[loss] : undefined;
    if (lossName) return { kind: 'loss', spec: { name: lossName, fromLogits: false, labelSmoothing: 0 } };
    const metric = /^keras\.metrics\.([a-z][a-z_]*)$/.exec(path)?.[1];
    if (metric) return { kind: 'metric', name: metric };
    if (path === 'numpy.newaxis') return { kind: 'symbol', path };
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

  /** The root variable of a dotted callee (`models` in `models.Sequential`). */
  private rootName(n: SyntaxNode): SyntaxNode | undefined {
    let c: SyntaxNode | null = n;
    for (let i = 0; c && i < 20; i++) {
      if (c.name === 'VariableName') return c;
      if (c.name !== 'MemberExpression') return undefined;
      c = c.firstChild;
    }
    return undefined;
  }

  /**
   * Evaluates a call. With `statement` set (an expression statement), returns true when it was a model method that
   * must not get an "ignored" note; otherwise returns the call's value.
   */
  private evalCall(n: SyntaxNode, statement: true): boolean;
  private evalCall(n: SyntaxNode, statement: false): TValue;
  private evalCall(n: SyntaxNode, statement: boolean): TValue | boolean {
    const r = this.call(n);
    return statement ? r.handled : r.value;
  }

  /** A call's value, and whether it was a model method or a call that must not get an "ignored" note. */
  private call(n: SyntaxNode): { value: TValue; handled: boolean } {
    const done = Interpreter.done;
    const callee = this.kids(n)[0];
    if (!callee) return done(unknown('a call'));
    if (callee.name === 'MemberExpression' && callee.lastChild?.name === 'PropertyName' && callee.firstChild) {
      const method = this.src(callee.lastChild);
      const obj = this.eval(callee.firstChild);
      if (obj.kind === 'model') {
        const v = this.modelMethod(obj.model, method, n, this.src(callee.firstChild));
        return done(v.value, v.handled);
      }
      if (obj.kind === 'dataset') return done(obj);
      if (obj.kind === 'array') return done(this.arrayMethod(obj, method, n));
      if (isReported(obj)) return done(obj, true);
      if (obj.kind === 'unknown') {
        const root = this.rootName(callee);
        const undefinedRoot = root ? this.undefinedName(root, true) : undefined;
        if (undefinedRoot) return done(undefinedRoot, true);
      }
      if (
        obj.kind === 'unknown' &&
        callee.firstChild.name === 'VariableName' &&
        !this.defined_(this.src(callee.firstChild)) &&
        ['summary', 'compile', 'fit', 'add', 'evaluate', 'predict'].includes(method)
      ) {
        const name = this.src(callee.firstChild);
        const latest = this.models[this.models.length - 1];
        this.sink.warning(
          'undefined-model',
          callee.firstChild,
          `\`${name}\` is not defined at this point, so ${name}.${method}() is ignored${latest?.varName ? ` (did you mean ${latest.varName}.${method}()?)` : ''}.`,
        );
        return done(unknown(`the result of ${name}.${method}()`), true);
      }
      if ((obj.kind === 'unknown' || obj.kind === 'unsafe') && callee.firstChild.name === 'VariableName' && MODEL_BUILDING_METHODS.has(method)) {
        const name = this.src(callee.firstChild);
        const what = obj.reason.includes('which the checker does not run') ? obj.reason : `${obj.reason}, which the checker does not run`;
        this.sink.warning('not-a-model', callee.firstChild, `${name}.${method}() is ignored: \`${name}\` is ${what}, not a Keras model built in this file.`);
        return done(unknown(`the result of ${name}.${method}()`), true);
      }
      if (obj.kind === 'symbol') return done(this.callSymbol(normalizePath(`${obj.path}.${method}`), n));
      return done(unknown(`the result of \`${this.src(callee).slice(0, 40)}()\``));
    }
    if (callee.name === 'VariableName') {
      const undefinedCall = this.undefinedName(callee, false);
      if (undefinedCall) return done(undefinedCall, true);
    }
    const fn = this.eval(callee);
    if (fn.kind === 'symbol') return done(this.callSymbol(fn.path, n));
    if (fn.kind === 'unsafe') return done({ kind: 'unsafe', reason: `the result of calling ${fn.reason}` });
    if (fn.kind === 'user-function') return done(this.callUser(fn, n), true);
    if (fn.kind === 'layer') return done(this.applyLayer(fn.layer, n), true);
    if (fn.kind === 'model') return done(this.applyModel(fn.model, n), true);
    if (isReported(fn)) return done(fn, true);
    if (fn.kind === 'unknown' && callee.name === 'VariableName' && !this.defined_(this.src(callee))) {
      const name = this.src(callee);
      return done({ kind: 'unknown', reason: `\`${name}(...)\`, and ${name} is not defined`, undefinedCall: name });
    }
    return done(unknown(`the result of \`${this.src(callee).slice(0, 40)}()\``));
  }

  private callSymbol(path: string, n: SyntaxNode): TValue {
    const short = path.replace(/^keras\.(layers\.)?/, '');
    if (path.startsWith('builtins.')) return this.builtin(path.slice(9), n);
    const layer = /^keras\.layers\.(\w+)$/.exec(path)?.[1] ?? (path === 'keras.Input' || path === 'keras.InputLayer' ? short : undefined);
    if (layer !== undefined) return MERGE_FUNCTIONS[layer] ? this.mergeFunction(MERGE_FUNCTIONS[layer], n) : this.layerCall(layer, n);
    if (path === 'keras.Sequential' || path === 'keras.models.Sequential') return this.sequential(n);
    if (path === 'keras.Model' || path === 'keras.models.Model') return this.functionalModel(n);
    const data = this.dataCall(path, n);
    if (data) return data;
    if (/^keras\.preprocessing\.image\.ImageDataGenerator$/.test(path)) {
      this.sink.warning(
        'augmentation-ignored',
        n,
        "ImageDataGenerator's augmentation is not applied: Epoch trains on the exercise's images as they are. To augment, put layers such as RandomFlip('horizontal') or RandomRotation(0.1) at the start of the model.",
      );
      return unknown('an ImageDataGenerator');
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
        if (a?.kind === 'array' && typeof a.shape[0] === 'number') return int(a.shape[0]);
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
      case 'range': {
        const ints = args.positional.map((p) => (p.value.kind === 'number' && p.value.isInt ? p.value.value : null));
        if (ints.length === 0 || ints.length > 3 || ints.some((i) => i === null)) return unknown('range() of non-integers');
        const [start, stop, stepBy] = ints.length === 1 ? [0, ints[0] ?? 0, 1] : [ints[0] ?? 0, ints[1] ?? 0, ints[2] ?? 1];
        if (stepBy === 0) return unknown('range() with step 0');
        const count = Math.max(0, Math.ceil((stop - start) / stepBy));
        if (count > MAX_SEQUENCE) return unknown('a range that is too long');
        return { kind: 'seq', seq: 'list', items: Array.from({ length: count }, (_, i) => int(start + i * stepBy)) };
      }
      case 'zip': {
        const seqs = args.positional.map((p) => p.value);
        if (seqs.length === 0 || seqs.some((s) => s.kind !== 'seq')) return unknown('zip() of non-lists');
        const lists = seqs.map((s) => (s.kind === 'seq' ? s.items : []));
        const len = Math.min(...lists.map((l) => l.length));
        return { kind: 'seq', seq: 'list', items: Array.from({ length: len }, (_, i) => tuple(...lists.map((l) => l[i] ?? NONE))) };
      }
      case 'isinstance': {
        const t = args.positional[1]?.value;
        const types = t?.kind === 'seq' ? t.items : t ? [t] : [];
        const names = types.map((x) => (x.kind === 'symbol' && x.path.startsWith('builtins.') ? x.path.slice(9) : ''));
        if (!a || names.some((n) => !['int', 'float', 'str', 'list', 'tuple', 'bool'].includes(n)))
          return unknown('isinstance() of a type the checker does not know');
        const kind =
          a.kind === 'number' ? (a.isInt ? 'int' : 'float') : a.kind === 'string' ? 'str' : a.kind === 'bool' ? 'bool' : a.kind === 'seq' ? a.seq : undefined;
        if (kind === undefined) return a.kind === 'unknown' ? unknown('isinstance() of an unknown value') : bool(false);
        return bool(names.includes(kind) || (kind === 'bool' && names.includes('int')));
      }
      case 'enumerate': {
        if (a?.kind !== 'seq') return unknown('enumerate() of a non-list');
        return { kind: 'seq', seq: 'list', items: a.items.map((item, i) => tuple(int(i), item)) };
      }
      default:
        return unknown(`the result of ${name}()`);
    }
  }

  // ------------------------------------------------------------------ data (load_data, NumPy)

  /** Keras datasets, to_categorical, NumPy's shape functions and sklearn's split; null for any other path. */
  private dataCall(path: string, n: SyntaxNode): TValue | null {
    const dataset = /^keras\.datasets\.(\w+)\.load_data$/.exec(path)?.[1];
    if (dataset) {
      const info = DATASETS[dataset];
      if (!info) return unknown(`the data of keras.datasets.${dataset}`);
      this.noteData(info, n);
      return loadData(info);
    }
    if (path === 'keras.backend.image_data_format') return str('channels_last');
    const args = () => this.callArgs(path.split('.').pop() ?? path, n);
    if (path === 'keras.utils.to_categorical') {
      const a = args();
      const y = a.positional[0]?.value ?? a.keywords.find((k) => k.name === 'y')?.value;
      const c = a.positional[1]?.value ?? a.keywords.find((k) => k.name === 'num_classes')?.value;
      if (y?.kind !== 'array') return unknown(`the result of to_categorical(${y ? describe(y) : ''})`);
      return toCategorical(y, c?.kind === 'number' && c.isInt ? c.value : undefined);
    }
    const np = /^(numpy|tf)\.(\w+)$/.exec(path);
    if (np) {
      const a = args();
      const first = a.positional[0]?.value;
      switch (np[2] ?? '') {
        case 'expand_dims': {
          const axis = a.positional[1]?.value ?? a.keywords.find((k) => k.name === 'axis')?.value;
          return first?.kind === 'array' && axis?.kind === 'number' && axis.isInt ? expandDims(first, axis.value) : unknown(`the result of ${path}()`);
        }
        case 'reshape':
          return first?.kind === 'array' ? this.reshapeArgs(first, a.positional.slice(1)) : unknown(`the result of ${path}()`);
        case 'array':
        case 'asarray':
        case 'float32':
          return first?.kind === 'array' ? first : unknown(`the result of ${path}()`);
        case 'squeeze':
          return first?.kind === 'array' ? squeeze(first) : unknown(`the result of ${path}()`);
        case 'unique':
          return first?.kind === 'array' && first.classes !== undefined && !first.oneHot
            ? { kind: 'array', shape: [first.classes], what: `the classes of ${first.what}` }
            : unknown(`the result of ${path}()`);
        default:
          return null;
      }
    }
    if (/^sklearn\.model_selection\.train_test_split$/.test(path)) return trainTestSplit(args().positional.map((p) => p.value));
    return null;
  }

  /** Epoch never runs load_data(): say so, and say when the code's data is not the exercise's. */
  private noteData(info: (typeof DATASETS)[string], n: SyntaxNode): void {
    const image = modelImageShape(info);
    const want = this.opts.data;
    const wantShape = want?.inputShape;
    const mismatch = (wantShape && wantShape.join() !== image.join()) || (want?.classes !== undefined && want.classes !== info.classes);
    const theirs = `${image.join('×')} images in ${info.classes} classes`;
    if (mismatch) {
      this.sink.warning(
        'data-mismatch',
        n,
        `This code loads ${info.label} (${theirs}), but this exercise trains on its own data: ${wantShape ? `${wantShape.join('×')} images` : 'images'}${want?.classes !== undefined ? ` in ${want.classes} classes` : ''}. Epoch does not run load_data(); the model must fit the exercise's data.`,
      );
    } else {
      this.sink.info('data-ignored', n, `Epoch does not run load_data(): it trains on the exercise's own data (${info.label}-like: ${theirs}).`);
    }
  }

  private reshapeArgs(a: TArrayValue, args: TArg[]): TValue {
    const v = args.length === 1 && args[0]?.value.kind === 'seq' ? args[0].value.items : args.map((x) => x.value);
    const dims = v.map((d) => (d.kind === 'number' && d.isInt ? d.value : d.kind === 'unknown' ? null : NaN));
    if (dims.some((d) => d !== null && Number.isNaN(d))) return unknown(`a reshape of ${a.what}`);
    return reshape(a, dims);
  }

  private arrayMethod(a: TArrayValue, method: string, n: SyntaxNode): TValue {
    const args = this.callArgs(method, n);
    switch (method) {
      case 'astype':
      case 'copy':
        return a;
      case 'reshape':
        return this.reshapeArgs(a, args.positional);
      case 'squeeze':
        return squeeze(a);
      case 'flatten':
      case 'ravel':
        return reshape(a, [-1]);
      default:
        return unknown(`the result of ${method}() on ${a.what}`);
    }
  }

  // ------------------------------------------------------------------ layers and models

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

  /** `layers.add([x, y])`, `layers.concatenate([a, b], axis=-1)`: a merge layer applied at once. */
  private mergeFunction(type: TSupportedLayer, n: SyntaxNode): TValue {
    const args = this.callArgs(type.toLowerCase(), n);
    const inputs = args.positional[0] ?? args.keywords.find((k) => k.name === 'inputs');
    const rest: TCallArgs = {
      ...args,
      callee: type.toLowerCase(),
      positional: args.positional.slice(1),
      keywords: args.keywords.filter((k) => k.name !== 'inputs'),
    };
    if (++this.layerCalls > this.opts.maxLayers + 20) return reported('a layer beyond the limit');
    const layer = buildLayer(type, rest, this.sink);
    if (!layer || !inputs) {
      if (!inputs) this.sink.error('missing-argument', n, `${type.toLowerCase()}() needs the list of tensors to merge, e.g. ${type.toLowerCase()}([x, y]).`);
      return reported(`an invalid ${type.toLowerCase()}()`);
    }
    return this.connect(layer, inputs.value, inputs.span, n);
  }

  /** `Conv2D(32, 3)(x)`: the functional API's layer call. */
  private applyLayer(layer: TLayerInstance, n: SyntaxNode): TValue {
    const args = this.callArgs(layer.spec.type, n);
    const inputs = args.positional[0] ?? args.keywords.find((k) => k.name === 'inputs');
    for (const kw of args.keywords) {
      if (kw.name === 'inputs') continue;
      if (kw.name === 'training')
        this.sink.warning(
          'argument-ignored',
          kw.nameSpan,
          `${layer.spec.type}(...)(training=...) is ignored: layers train in training and infer otherwise, as Keras's fit() does.`,
        );
      else this.sink.error('unsupported-argument', kw.nameSpan, `${layer.spec.type}(...)(): the argument '${kw.name}' is not supported.`);
    }
    if (!inputs) {
      this.sink.error('missing-argument', n, `${layer.spec.type}(...)() needs its input: the output of Input(...) or of another layer.`);
      return reported('a layer called without input');
    }
    return this.connect(layer, inputs.value, inputs.span, n);
  }

  /** Connects a layer to its input tensors (one, or a list for merge layers): the tensor it outputs. */
  private connect(layer: TLayerInstance, value: TValue, span: TSpan, n: SyntaxNode): TValue {
    const type = layer.spec.type;
    if (isReported(value)) return value;
    const merge = MERGE_LAYERS.has(type);
    const from = merge ? (value.kind === 'seq' ? value.items : null) : [value];
    if (!from || from.some((v) => !isSymbolic(v))) {
      const bad = from?.find((v) => !isSymbolic(v));
      if (bad && isReported(bad)) return bad;
      this.sink.error(
        'not-a-tensor',
        span,
        merge
          ? `${type} merges a list of layer outputs, e.g. ${type}()([x, y]); got ${describe(bad ?? value)}.`
          : `${type}(...) is called on ${describe(value)}; call it on the output of Input(...) or of another layer.`,
      );
      return reported(`an invalid call of ${type}`);
    }
    if (merge && (from.length < 2 || (type === 'Subtract' && from.length !== 2))) {
      this.sink.error('not-a-tensor', span, `${type} needs ${type === 'Subtract' ? 'exactly two' : 'two or more'} inputs, got ${from.length}.`);
      return reported(`an invalid call of ${type}`);
    }
    if (layer.used) {
      this.sink.error(
        'reused-layer',
        n,
        `This ${type} layer is already ${layer.used === 'tensor' ? 'called on another input' : 'in a model'}; a layer used twice shares its weights, which Epoch does not train. Create a new layer.`,
      );
      return reported(`a reused ${type} layer`);
    }
    layer.used = 'tensor';
    return { kind: 'tensor', layer, from: from as TSymbolic[], span: n, seq: ++this.tensorSeq };
  }

  /** A tensor's shape without the batch axis (Keras knows it when the layer is called); null when it does not work out. */
  private tensorShape(t: TSymbolic, depth = 0): number[] | null {
    if (t.kind === 'input') return t.shape;
    if (t.shape !== undefined) return t.shape;
    if (depth > 200) return null;
    const inputs = t.from.map((f) => this.tensorShape(f, depth + 1));
    const r = inputs.some((s) => s === null) ? null : layerShape(t.layer.spec, inputs as number[][]);
    t.shape = r && !('error' in r) ? r.outputShape : null;
    return t.shape;
  }

  /** A model called like a layer: a Sequential one (e.g. data augmentation) applies its layers in order. */
  private applyModel(model: TModelState, n: SyntaxNode): TValue {
    const args = this.callArgs(model.varName ?? 'model', n);
    const input = args.positional[0]?.value;
    if (!input || !isSymbolic(input)) return unknown(`the result of calling ${describe({ kind: 'model', model })}`);
    if (model.inputsOf) {
      this.sink.error(
        'unsupported-value',
        n,
        `Calling the functional model ${model.varName ?? ''} on a tensor is not supported; build one model from its layers.`,
      );
      return reported('a nested functional model');
    }
    model.usedAsLayer = true;
    let t: TValue = input;
    for (const layer of model.layers) {
      if (isReported(t)) return t;
      t = this.connect(layer, t, n, n);
    }
    return t;
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
      if (isReported(layers)) return { kind: 'model', model };
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
    const itemNodes = listNode && listNode.name !== 'VariableName' ? this.kids(listNode).filter((k) => !['(', ')', '[', ']', ',', '*'].includes(k.name)) : [];
    layers.items.forEach((item, i) => this.addToModel(model, item, itemNodes[i] ?? r.span('layers'), 'Sequential()'));
    return { kind: 'model', model };
  }

  /** `keras.Model(inputs=..., outputs=...)`: the layers between the Input and the output, in the order they were called. */
  private functionalModel(n: SyntaxNode): TValue {
    const args = this.callArgs('Model', n);
    const bound = bindArgs(
      args,
      [
        { name: 'inputs', required: true },
        { name: 'outputs', required: true },
        { name: 'name', default: NONE },
        { name: 'trainable', default: bool(true) },
      ],
      this.sink,
    );
    if (!bound) return reported('an invalid keras.Model');
    const r = new ArgReader(args, bound, this.sink);
    r.mustBeDefault('trainable', (v) => v.kind === 'bool' && v.value, 'frozen models are not supported');
    const one = (key: string): TValue | undefined => {
      const v = r.raw(key);
      if (isReported(v)) return undefined;
      const single = v.kind === 'seq' && v.items.length === 1 ? v.items[0] : v;
      if (v.kind === 'seq' && v.items.length !== 1) {
        r.fail(key, `Epoch trains models with one input and one output; ${key} has ${v.items.length}.`);
        return undefined;
      }
      return single;
    };
    const input = one('inputs');
    const output = one('outputs');
    if (!input || !output) return reported('an invalid keras.Model');
    if (input.kind !== 'input') {
      r.fail('inputs', `inputs must be the Input(...) the layers are called on, got ${describe(input)}.`);
      return reported('an invalid keras.Model');
    }
    if (output.kind !== 'tensor') {
      r.fail(
        'outputs',
        output.kind === 'input' ? 'the model has no layers between its input and its output.' : `outputs must be a layer's output, got ${describe(output)}.`,
      );
      return reported('an invalid keras.Model');
    }
    const tensors: Extract<TValue, { kind: 'tensor' }>[] = [];
    const seen = new Set<TValue>();
    const stack: TSymbolic[] = [output];
    while (stack.length > 0) {
      const t = stack.pop() as TSymbolic;
      if (seen.has(t)) continue;
      seen.add(t);
      if (t.kind === 'input') {
        if (t !== input) {
          r.fail('outputs', `the output depends on another Input (line ${this.lineOf(t.span)}); Epoch trains models with one input.`);
          return reported('an invalid keras.Model');
        }
        continue;
      }
      tensors.push(t);
      stack.push(...t.from);
    }
    tensors.sort((a, b) => a.seq - b.seq);
    const index = new Map<TValue, number>(tensors.map((t, i) => [t, i]));
    const model: TModelState = {
      id: this.models.length + 1,
      varName: null,
      span: n,
      layers: tensors.map((t) => t.layer),
      inputsOf: tensors.map((t) => t.from.map((f) => (f.kind === 'input' ? -1 : (index.get(f) ?? -1)))),
      inputShape: { shape: input.shape, span: input.span },
      compiles: [],
      fits: [],
    };
    this.models.push(model);
    return { kind: 'model', model };
  }

  private addToModel(model: TModelState, item: TValue, span: TSpan, where: string): void {
    if (model.inputsOf) {
      this.sink.error('unsupported-statement', span, `${where}: add() works on Sequential models; ${model.varName ?? 'this model'} is a functional model.`);
      return;
    }
    if (item.kind === 'model' && !item.model.inputsOf && item.model !== model) {
      // A Sequential model used as a layer (data augmentation, a block): its layers, in order.
      const inner = item.model;
      inner.usedAsLayer = true;
      if (inner.inputShape && model.layers.length === 0 && !model.inputShape) model.inputShape = inner.inputShape;
      if (inner.incomplete) model.incomplete = true;
      for (const l of inner.layers) this.addToModel(model, { kind: 'layer', layer: l }, span, where);
      return;
    }
    if (item.kind !== 'layer' && item.kind !== 'input') model.incomplete = true;
    if (item.kind === 'input') {
      if (model.layers.length > 0 || model.inputShape) {
        this.sink.error('misplaced-input', span, `${where}: Input must be the first item of the model.`);
      } else model.inputShape = { shape: item.shape, span: item.span };
      return;
    }
    if (item.kind === 'layer') {
      if (model.layers.includes(item.layer) || item.layer.used === 'tensor') {
        this.sink.error('reused-layer', span, `${where}: this layer object is already used; create a new layer instead of reusing it.`);
        return;
      }
      model.layers.push(item.layer);
      return;
    }
    if (item.kind === 'unsafe') {
      this.sink.error('not-allowed', span, `${where}: this item comes from ${describe(item)}, which the checker does not run. Write each layer out.`);
    } else if (item.kind === 'model') {
      this.sink.error('unsupported-value', span, `${where}: a functional model cannot be a layer of a Sequential model; list the layers directly.`);
    } else if (item.kind === 'tensor') {
      this.sink.error('not-a-layer', span, `${where}: expected a layer such as Dense(10), got ${describe(item)} (a layer already called on an input).`);
    } else if (isReported(item)) {
      // Already reported where it was written.
    } else if (item.kind === 'unknown' && item.undefinedCall) {
      const hint = closest(item.undefinedCall, [...SUPPORTED_LAYERS, 'Input']);
      this.sink.error(
        'unknown-layer',
        span,
        `Unknown layer ${item.undefinedCall}${hint ? ` (did you mean ${hint}?)` : ''}. Supported layers: Input, ${SUPPORTED_LAYERS.join(', ')}.`,
      );
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
      case 'fit_generator':
        this.sink.info('deprecated-method', n, `${name}.fit_generator() is Keras 2's fit() for generators; read as ${name}.fit().`);
        return { handled: true, value: this.fit(model, name, n) };
      case 'summary': {
        const latest = this.models[this.models.length - 1];
        if (latest && latest !== model && latest.varName && !latest.usedAsLayer) {
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
      // Keras computes 'accuracy' as the categorical (or, with a sparse loss, the sparse categorical) accuracy: the
      // same metric under either name gives the same spec and hash.
      const sparse = loss.name === 'sparse_categorical_crossentropy';
      const canonical = metrics.map((m) => ((m === 'categorical_accuracy' && !sparse) || (m === 'sparse_categorical_accuracy' && sparse) ? 'accuracy' : m));
      model.compiles.push({ optimizer, loss, metrics: canonical, span: n, optimizerSpan: r.span('optimizer') });
    } else if (!previous) {
      // Record that compile() exists so the student is not also told "no compile found".
      model.compileFailed = true;
    }
    return NONE;
  }

  private fit(model: TModelState, name: string, n: SyntaxNode): TValue {
    let args = this.callArgs(`${name}.fit`, n);
    // Keras 1's nb_epoch, which Keras 2 still accepted.
    const nbEpoch = args.keywords.find((k) => k.name === 'nb_epoch');
    if (nbEpoch && !args.keywords.some((k) => k.name === 'epochs')) {
      this.sink.info('deprecated-argument', nbEpoch.nameSpan, `${name}.fit(): 'nb_epoch' is Keras 1's name of 'epochs'; read as epochs=.`);
      args = { ...args, keywords: args.keywords.map((k) => (k === nbEpoch ? { ...k, name: 'epochs' } : k)) };
    }
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
    // Keras 2's fit() and fit_generator() also took these (how to feed the data); they do not change training.
    const bound = bindArgs(args, params, this.sink, ['workers', 'use_multiprocessing', 'max_queue_size']);
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
