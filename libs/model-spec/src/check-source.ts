import {
  MAX_DIAGNOSTICS,
  MODEL_INPUT_NAME,
  ZModelRules,
  ZModelSpec,
  type TCheckCost,
  type TCheckResult,
  type TDiagnostic,
  type TLayerSpec,
  type TModelRulesInput,
  type TModelSpec,
  type TModelRules,
} from '@epoch/contracts';
import { canonicalHash } from './canonical';
import { DiagnosticSink, type TSpan } from './diagnostic-sink';
import { Interpreter, MAX_EXPRESSION_DEPTH } from './interpreter';
import { snakeCase } from './keras-symbols';
import { blankMagics, excessiveNesting, fixTrailingDots, nulByte, parsePython, reportSyntaxErrors } from './python-syntax';
import { checkParsedRules, type TRuleSite } from './rules-check';
import { scanForbidden } from './safety-scan';
import { inferShapes, type TShapeResult } from './shape-inference';
import { LineIndex, utf8Length } from './source-text';
import type { TModelState } from './values';

/** One row of the summary table, with the layer's name as Keras shows it. */
export interface TSummaryRow {
  name: string;
  type: string;
  outputShape: number[];
  params: number;
  trainableParams: number;
}

/** checkSource's answer: the `./epoch check --json` object plus everything behind it. */
export interface TCheckReport extends TCheckResult {
  /** Every diagnostic, including info notes, with ranges and codes. */
  diagnostics: TDiagnostic[];
  /** The resolved ModelSpec, when the source yields a complete one. */
  spec?: TModelSpec;
  /** The chosen model's variable name and rows for formatSummaryTable. */
  summary?: { modelName: string; rows: TSummaryRow[]; totalParams: number; trainableParams: number };
}

export interface TCheckOptions {
  rules?: TModelRulesInput;
}

const DEFAULT_INPUT_SHAPE = [32, 32, 3];

/**
 * Checks a student's Keras-style source without running it: parses, interprets the safe subset, infers shapes and
 * parameters, applies the exercise's rules. Never throws, for any input.
 */
export function checkSource(source: string, options: TCheckOptions = {}): TCheckReport {
  const lines = new LineIndex(typeof source === 'string' ? source : '');
  const sink = new DiagnosticSink(lines);
  try {
    return run(String(source), options, sink);
  } catch (e) {
    // A bug in the checker must still give the student an answer, never a crash.
    sink.error(
      'internal-error',
      { from: 0, to: 0 },
      `The checker failed on this input (a bug in Epoch, please report it): ${e instanceof Error ? e.message : String(e)}`,
    );
    return finish(sink, {});
  }
}

function run(source: string, options: TCheckOptions, sink: DiagnosticSink): TCheckReport {
  const parsedRules = ZModelRules.safeParse(options.rules ?? {});
  if (!parsedRules.success) {
    sink.error(
      'invalid-rules',
      { from: 0, to: 0 },
      `The exercise's rules are invalid: ${parsedRules.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
    return finish(sink, {});
  }
  const rules = parsedRules.data;
  // Size first: nothing else is looked at, let alone allocated, for an oversized input.
  // Every character is at least one byte, so a too-long string is refused without measuring it.
  const tooLong = source.length > rules.maxSourceBytes;
  const bytes = tooLong ? source.length : utf8Length(source);
  if (bytes > rules.maxSourceBytes) {
    sink.error(
      'limit-exceeded',
      { from: 0, to: 0 },
      `The source is ${tooLong ? 'over ' : ''}${bytes.toLocaleString('en-US')} bytes; the limit is ${rules.maxSourceBytes.toLocaleString('en-US')} bytes (${Math.round(rules.maxSourceBytes / 1024)} KiB).`,
    );
    return finish(sink, {});
  }
  const nul = nulByte(source);
  if (nul) {
    sink.error('syntax-error', { from: nul.at, to: nul.at + 1 }, nul.message);
    return finish(sink, {});
  }
  const { text, floatAt } = fixTrailingDots(blankMagics(source, sink));
  const nesting = excessiveNesting(text, MAX_EXPRESSION_DEPTH);
  if (nesting) {
    sink.error('limit-exceeded', { from: nesting.at, to: nesting.at + 1 }, nesting.message);
    return finish(sink, {});
  }
  const parsed = parsePython(text);
  scanForbidden(parsed.tree, text, sink);
  if (reportSyntaxErrors(parsed, sink)) return finish(sink, {});

  const interp = new Interpreter(text, sink, {
    maxLayers: rules.maxLayers,
    floatAt,
    data: { inputShape: rules.inputShape, classes: rules.outputUnits },
  });
  interp.run(parsed.tree.topNode);

  const model = chooseModel(interp.models, sink, rules.requiredEpochs, interp.undefinedReported.size > 0);
  if (!model) return finish(sink, {});
  return finishModel(model, rules, sink, interp.layersReported);
}

function chooseModel(models: TModelState[], sink: DiagnosticSink, requiredEpochs: number | undefined, undefinedNames: boolean): TModelState | undefined {
  const candidates = models.filter(
    // A model used as a layer of another (data augmentation) is not a model of its own, unless it was trained itself.
    (m) =>
      (!m.usedAsLayer || m.compiles.length > 0 || m.fits.length > 0) &&
      (m.layers.length > 0 || m.compiles.length > 0 || m.fits.length > 0 || m.compileFailed || m.fitFailed),
  );
  // An undefined name or a failed call where the model is built was reported there: "No model found" would only
  // repeat it.
  if (candidates.length === 0 && (undefinedNames || sink.items.some((d) => d.severity === 'error'))) return undefined;
  if (candidates.length === 0) {
    sink.error(
      'no-model',
      { from: 0, to: 0 },
      'No model found. Build one with model = Sequential([...]) (or Sequential() and model.add(...)), then call model.compile(...) and model.fit(...).',
    );
    return undefined;
  }
  const trained = (m: TModelState) => (m.compiles.length > 0 || !!m.compileFailed) && (m.fits.length > 0 || !!m.fitFailed);
  const complete = candidates.filter(trained);
  const lastFit = (m: TModelState) => Math.max(-1, ...m.fits.map((f) => f.span.from));
  const pool = complete.length > 0 ? complete : candidates.filter((m) => m.compiles.length > 0 || m.compileFailed);
  const chosen = (pool.length > 0 ? pool : candidates).reduce((a, b) =>
    lastFit(b) > lastFit(a) || (lastFit(b) === lastFit(a) && b.span.from > a.span.from) ? b : a,
  );
  const name = (m: TModelState) => m.varName ?? `the model on line ${sink.position(m.span.from).line}`;
  if (candidates.length > 1) {
    const others = candidates.filter((m) => m !== chosen).map(name);
    const why =
      complete.length > 1 ? 'the last one that is compiled and fitted' : complete.length === 1 ? 'the one that is compiled and fitted' : 'the last one defined';
    sink.warning('several-models', chosen.span, `Several models are defined (${[name(chosen), ...others].join(', ')}); checking ${name(chosen)}, ${why}.`);
  }
  const nm = chosen.varName ?? 'model';
  if (chosen.compiles.length === 0 && !chosen.compileFailed) {
    sink.error(
      'no-compile',
      chosen.span,
      `${nm} is never compiled: add ${nm}.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy']).`,
    );
  }
  if (chosen.fits.length === 0 && !chosen.fitFailed) {
    sink.error(
      'no-fit',
      chosen.span,
      `${nm} is never trained: add history = ${nm}.fit(train_data, validation_data=validation_data, epochs=${requiredEpochs ?? 10}).`,
    );
  }
  if (chosen.fitBeforeCompile && (chosen.compiles.length > 0 || chosen.compileFailed)) {
    sink.error('fit-before-compile', chosen.fitBeforeCompile, `${nm}.fit() is called before ${nm}.compile(); Keras needs compile() first.`);
  }
  return chosen;
}

function finishModel(model: TModelState, rules: TModelRules, sink: DiagnosticSink, layerLimitReported: boolean): TCheckReport {
  const nm = model.varName ?? 'model';
  if (model.layers.length === 0) {
    if (model.incomplete) return finish(sink, {});
    sink.error('empty-model', model.span, `${nm} has no layers.`);
    return finish(sink, {});
  }
  let inputShape = model.inputShape?.shape;
  let inputSpan: TSpan = model.inputShape?.span ?? model.span;
  model.layers.forEach((l, i) => {
    if (!l.inputShape) return;
    if (i === 0 && !inputShape) {
      inputShape = l.inputShape;
      inputSpan = l.span;
    } else sink.warning('input-shape-ignored', l.span, `input_shape= is ignored here: only the model's first layer (or an Input) sets the input shape.`);
  });
  if (!inputShape) {
    inputShape = rules.inputShape ?? DEFAULT_INPUT_SHAPE;
    sink.info(
      'default-input-shape',
      model.span,
      `${nm} has no Input, so its input shape comes from the data: (${inputShape.join(', ')}). Add Input(INPUT_SHAPE) as the first layer to make it explicit.`,
    );
  }
  const named = nameLayers(model, sink);
  const layers = named.ok ? named.specs : null;
  const shapes =
    layers && !model.incomplete
      ? inferShapes(
          inputShape,
          model.layers.map((l, i) => ({ spec: layers[i] as TLayerSpec, span: l.span })),
          sink,
        )
      : null;
  const compile = model.compiles[model.compiles.length - 1];
  const fit = model.fits[model.fits.length - 1];
  const siteSpan = (site: TRuleSite): TSpan => {
    switch (site.kind) {
      case 'input':
        return inputSpan;
      case 'layer':
        return model.layers[site.index]?.span ?? model.span;
      case 'optimizer':
        return compile?.optimizerSpan ?? model.span;
      case 'epochs':
        return fit?.epochsSpan ?? model.span;
      case 'model':
        return model.span;
    }
  };
  const checked = checkParsedRules({ inputShape, layers: named.specs, optimizer: compile?.optimizer, epochs: fit?.epochs, batchSize: fit?.batchSize }, rules, {
    shapes,
    complete: !model.incomplete,
  });
  for (const v of checked.violations) {
    // Past the layers the checker builds, the interpreter has said so already (and the count here would be wrong).
    if (v.code === 'rule-max-layers' && layerLimitReported) continue;
    sink.error(v.code, siteSpan(v.site), v.message);
  }
  const cost: TCheckCost | null = checked.cost
    ? {
        forwardMacs: checked.cost.forwardMacs,
        trainingMacs: checked.cost.trainingMacs,
        trainImages: checked.cost.trainImages,
        batchSize: checked.cost.batchSize,
        activationBytes: checked.cost.activationBytes,
        paramBytes: checked.cost.paramBytes,
      }
    : null;

  const summary =
    shapes && layers
      ? {
          modelName: nm,
          rows: layers.map((l, i) => ({ name: l.name, type: l.type, ...pick(shapes, i) })),
          totalParams: shapes.totalParams,
          trainableParams: shapes.trainableParams,
        }
      : undefined;
  let spec: TModelSpec | undefined;
  if (layers && shapes && compile && fit) {
    const candidate = {
      inputShape,
      layers: layers.map((l, i) => ({ ...l, source: sink.position(model.layers[i]?.span.from ?? 0) })),
      optimizer: compile.optimizer,
      loss: compile.loss,
      metrics: compile.metrics,
      epochs: fit.epochs,
      batchSize: fit.batchSize,
    };
    const checked = ZModelSpec.safeParse(candidate);
    if (checked.success) spec = checked.data;
    else
      sink.error(
        'internal-error',
        model.span,
        `The extracted model does not match the ModelSpec schema (a bug in Epoch): ${checked.error.issues[0]?.message ?? ''}`,
      );
  }
  return finish(sink, { spec, summary, compile, fit, shapes, cost });
}

function pick(shapes: TShapeResult, i: number): { outputShape: number[]; params: number; trainableParams: number } {
  const s = shapes.layers[i];
  return { outputShape: s?.outputShape ?? [], params: s?.params ?? 0, trainableParams: s?.trainableParams ?? 0 };
}

/**
 * Keras names layers it names itself per class: conv2d, conv2d_1, ...; explicit names must be unique (and not the model
 * input's). A functional model's layers get `inputs` where they do not simply take the layer before them.
 */
function nameLayers(model: TModelState, sink: DiagnosticSink): { specs: TLayerSpec[]; ok: boolean } {
  const counts = new Map<string, number>();
  const used = new Set<string>([MODEL_INPUT_NAME]);
  let ok = true;
  const specs = model.layers.map((l) => {
    let name = l.spec.name;
    if (!l.nameGiven) {
      const prefix = snakeCase(l.spec.type);
      do {
        const n = counts.get(prefix) ?? 0;
        counts.set(prefix, n + 1);
        name = n === 0 ? prefix : `${prefix}_${n}`;
      } while (used.has(name));
    } else if (used.has(name)) {
      sink.error(
        'duplicate-layer-name',
        l.span,
        name === MODEL_INPUT_NAME
          ? `'${name}' is the name of the model's input; give the layer another name.`
          : `Two layers are named '${name}'; layer names must be unique.`,
      );
      ok = false;
    }
    used.add(name);
    return { ...l.spec, name } as TLayerSpec;
  });
  const graph = model.inputsOf;
  if (graph) {
    specs.forEach((s, i) => {
      const names = (graph[i] ?? []).map((j) => (j < 0 ? MODEL_INPUT_NAME : (specs[j]?.name ?? MODEL_INPUT_NAME)));
      const previous = i === 0 ? MODEL_INPUT_NAME : (specs[i - 1]?.name ?? '');
      if (names.length !== 1 || names[0] !== previous) s.inputs = names;
    });
  }
  return { specs, ok };
}

interface TFinishParts {
  spec?: TModelSpec;
  summary?: TCheckReport['summary'];
  compile?: { optimizer: { name: string; learningRate: number }; loss: { name: string } };
  fit?: { epochs: number; batchSize: number };
  shapes?: TShapeResult | null;
  cost?: TCheckCost | null;
}

const SEVERITY_RANK: Record<TDiagnostic['severity'], number> = { error: 0, warning: 1, info: 2 };
const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * At most MAX_DIAGNOSTICS diagnostics, in source order: the first ones, and then one that counts the rest by severity
 * (itself an error when any of them is, so `ok` never changes). A source crafted to yield thousands of diagnostics
 * costs a few kilobytes to store and send, not megabytes.
 */
export function capDiagnostics(sorted: TDiagnostic[]): TDiagnostic[] {
  if (sorted.length <= MAX_DIAGNOSTICS) return sorted;
  const kept = sorted.slice(0, MAX_DIAGNOSTICS);
  const rest = sorted.slice(MAX_DIAGNOSTICS);
  const count = { error: 0, warning: 0, info: 0 };
  for (const d of rest) count[d.severity]++;
  const worst = rest.reduce((w, d) => (SEVERITY_RANK[d.severity] < SEVERITY_RANK[w] ? d.severity : w), 'info' as TDiagnostic['severity']);
  const parts = [plural(count.error, 'error'), plural(count.warning, 'warning'), plural(count.info, 'note')].filter((p) => !p.startsWith('0 '));
  const first = rest[0] as TDiagnostic;
  kept.push({
    line: first.line,
    column: first.column,
    severity: worst,
    code: 'more-diagnostics',
    message: `${plural(rest.length, 'more problem')} not shown (${parts.join(', ')}), from here on. Fix the ones above first.`,
  });
  return kept;
}

function finish(sink: DiagnosticSink, parts: TFinishParts): TCheckReport {
  const diagnostics = capDiagnostics([...sink.items].sort((a, b) => a.line - b.line || a.column - b.column));
  const msg = (d: TDiagnostic) => ({ line: d.line, column: d.column, message: d.message });
  const errors = diagnostics.filter((d) => d.severity === 'error').map(msg);
  const warnings = diagnostics.filter((d) => d.severity === 'warning').map(msg);
  const { spec, summary, compile, fit } = parts;
  const ok = errors.length === 0 && spec !== undefined;
  return {
    ok,
    errors,
    warnings,
    model: summary
      ? {
          layers: summary.rows.map((r) => ({ type: r.type, outputShape: r.outputShape, params: r.params })),
          totalParams: summary.totalParams,
          trainableParams: summary.trainableParams,
        }
      : null,
    training:
      compile && fit
        ? {
            epochs: fit.epochs,
            batchSize: fit.batchSize,
            optimizer: compile.optimizer.name,
            learningRate: compile.optimizer.learningRate,
            loss: compile.loss.name,
          }
        : null,
    hash: spec ? canonicalHash(spec) : null,
    cost: parts.cost ?? null,
    diagnostics,
    ...(spec ? { spec } : {}),
    ...(summary ? { summary } : {}),
  };
}
