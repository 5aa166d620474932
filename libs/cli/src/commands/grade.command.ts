import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { DEFAULT_MODEL_LIMITS, modelRulesFromPolicy, type TGradingPolicy, type TModelRulesInput } from '@epoch/contracts';
import { loadCifar10 } from '@epoch/datasets';
import { checkSource, formatReport } from '@epoch/model-spec';
import { decide, scheduleOf } from '@epoch/grading';
import { gradeModel, GradingRejection, selectBackend, type TBackendInfo, type TGradeData, type TGradedModel, type TSelectBackendOptions } from '@epoch/trainer';
import { findExercise } from '../exercises';
import type { CommandIo } from '../io';
import { dataDir } from '../paths';

export type { TGradeData };

export interface TGradeCommandOptions {
  file: string;
  /** `--exercise SLUG`: grade against that exercise's policy (rules, epochs, batch size, seed, pass mark). */
  exercise?: string;
  /** The policy itself (instead of looking `exercise` up in the content files). */
  policy?: TGradingPolicy;
  epochs?: number;
  /** `--seed N`: train with this seed instead of the exercise's (a seed-spread measurement; see the README). */
  seed?: number;
  limitTrain?: number;
  limitTest?: number;
  /** Where the plot data and the trained weights go (default .data/grade/<file name>). */
  out?: string;
  /** Default: loadCifar10 from EPOCH_CIFAR10 / the cache. */
  loadData?: (onProgress: (msg: string) => void) => Promise<TGradeData>;
  backend?: TSelectBackendOptions;
}

/** The lesson's prediction grid is 5×5. */
const PREDICTION_IMAGES = 25;
const DEFAULT_SEED = 42;

function bar(done: number, total: number, width = 20): string {
  const n = Math.round((done / total) * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}]`;
}

const pct = (v: number | null) => (v === null ? '  -  ' : `${(100 * v).toFixed(1)}%`);

async function readSource(file: string, limit: number): Promise<{ text: string } | { problem: string }> {
  try {
    const s = await stat(file);
    if (!s.isFile()) return { problem: `${file}: not a regular file` };
    if (s.size > limit) return { problem: `${file}: ${s.size.toLocaleString('en-US')} bytes; the limit is ${limit.toLocaleString('en-US')} bytes` };
    return { text: await readFile(file, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code ?? String(e)})` };
  }
}

/**
 * `./epoch grade FILE [--exercise SLUG] [--epochs N] [--limit-train N] [--limit-test N] [--out DIR]`: checks the
 * submission, trains it on CIFAR-10 with a progress display, evaluates it on the test set, prints the result and writes
 * the plots' data (accuracy curves, confusion matrix, predictions, feature maps) and the weights to a folder. No
 * database or queue. Exit 0 when graded (and passed, with an exercise), 1 otherwise.
 */
export async function runGradeCommand(opts: TGradeCommandOptions, io: CommandIo): Promise<number> {
  const policy = opts.policy ?? (opts.exercise ? (await findExercise(opts.exercise)).policy : undefined);
  const rules: TModelRulesInput | undefined = policy ? modelRulesFromPolicy(policy) : undefined;
  const read = await readSource(opts.file, rules?.maxSourceBytes ?? DEFAULT_MODEL_LIMITS.maxSourceBytes);
  if ('problem' in read) {
    io.err(`epoch grade: ${read.problem}`);
    return 1;
  }
  const report = checkSource(read.text, { rules });
  if (!report.ok || !report.spec) {
    io.err(formatReport(report, opts.file));
    io.err('epoch grade: the submission does not pass the check; nothing was trained');
    return 1;
  }
  const spec = report.spec;
  const epochs = opts.epochs ?? spec.epochs;
  const batchSize = policy?.batchSize ?? spec.batchSize;
  const seed = opts.seed ?? policy?.seed ?? DEFAULT_SEED;
  const limitTrain = opts.limitTrain ?? policy?.limitTrain ?? undefined;
  const limitTest = opts.limitTest ?? policy?.limitTest ?? undefined;
  const out = resolve(opts.out ?? join(dataDir(), 'grade', basename(opts.file, extname(opts.file))));

  let backend: TBackendInfo;
  try {
    backend = await selectBackend({ ...opts.backend, log: (l) => io.err(l) });
  } catch (e) {
    io.err(`epoch grade: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  let data: TGradeData;
  try {
    data = await (opts.loadData ?? ((onProgress) => loadCifar10({ onProgress })))((m) => io.err(`data: ${m}`));
  } catch (e) {
    io.err(`epoch grade: cannot load CIFAR-10: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }

  const trainCount = Math.min(data.train.count, limitTrain ?? Number.POSITIVE_INFINITY);
  const everyNBatches = Math.max(1, Math.ceil(Math.ceil(trainCount / batchSize) / 10));
  let graded: TGradedModel;
  try {
    graded = await gradeModel(spec, { epochs, batchSize, seed, maxParams: policy?.maxParams ?? DEFAULT_MODEL_LIMITS.maxParams, limitTrain, limitTest }, data, {
      everyNBatches,
      onPhase: (phase) => {
        if (phase === 'training')
          io.err(
            `grade: ${opts.file}${opts.exercise ? ` (exercise ${opts.exercise})` : ''}: ${(report.model?.totalParams ?? 0).toLocaleString('en-US')} parameters, ` +
              `${epochs} epoch(s) x ${trainCount} images, batch ${batchSize}, seed ${seed}, backend ${backend.name} (${backend.threads} threads)`,
          );
      },
      onBatch: (p) =>
        io.err(
          `epoch ${p.epoch}/${p.epochs} ${bar(p.batch, p.batches)} ${p.batch}/${p.batches}  loss ${p.loss.toFixed(4)}  acc ${pct(p.accuracy)}  ${p.imagesPerSecond.toFixed(0)} img/s`,
        ),
      onEpoch: (s) =>
        io.err(
          `epoch ${s.epoch}/${epochs} done in ${s.seconds.toFixed(1)} s: loss ${s.loss.toFixed(4)} acc ${pct(s.accuracy)}  ` +
            `val_loss ${s.valLoss?.toFixed(4) ?? '-'} val_acc ${pct(s.valAccuracy)}  ETA ${Math.round(s.etaSeconds)} s`,
        ),
    });
  } catch (e) {
    if (e instanceof GradingRejection) {
      io.out(e.message);
      return 1;
    }
    throw e;
  }
  const ev = graded.evaluation;
  const decision = policy ? decide(ev, policy, scheduleOf(policy)) : null;
  const trainSeconds = graded.trainingMs / 1000;
  const maps = graded.featureMaps.map((fm) => ({
    layerIndex: fm.layerIndex,
    layerName: fm.layerName,
    shape: fm.shape,
    values: Array.from(fm.values, (v) => Math.round(v * 1e4) / 1e4),
  }));
  await mkdir(out, { recursive: true });
  const summary = {
    file: opts.file,
    exercise: opts.exercise ?? null,
    hash: report.hash,
    passed: decision ? decision.status === 'PASSED' : null,
    minTestAccuracy: policy?.minTestAccuracy ?? null,
    testAccuracy: ev.testAccuracy,
    testLoss: ev.testLoss,
    testImages: ev.count,
    epochs,
    batchSize,
    seed,
    limitTrain: limitTrain ?? null,
    limitTest: limitTest ?? null,
    parameters: graded.paramCount,
    trainSeconds,
    trainImagesPerSecond: graded.trainImagesPerSecond,
    backend: { name: backend.name, threads: backend.threads, versions: backend.versions },
  };
  await writeFile(join(out, 'result.json'), JSON.stringify(summary, null, 2));
  await writeFile(join(out, 'history.json'), JSON.stringify(graded.history, null, 2));
  await writeFile(
    join(out, 'evaluation.json'),
    JSON.stringify(
      {
        classNames: data.classNames,
        testLoss: ev.testLoss,
        testAccuracy: ev.testAccuracy,
        perClassAccuracy: ev.perClassAccuracy,
        confusionMatrix: ev.confusionMatrix,
      },
      null,
      2,
    ),
  );
  await writeFile(
    join(out, 'predictions.json'),
    JSON.stringify(
      ev.predictions.slice(0, PREDICTION_IMAGES).map((p) => ({ ...p, labelName: data.classNames[p.label], predictedName: data.classNames[p.predicted] })),
      null,
      2,
    ),
  );
  await writeFile(join(out, 'feature-maps.json'), JSON.stringify({ testImage: 0, layers: maps }));
  // The trained weights (tfjs layers format) in model/, every plot the grader would store in plots/.
  await mkdir(join(out, 'model'), { recursive: true });
  await mkdir(join(out, 'plots'), { recursive: true });
  for (const a of graded.artifacts) await writeFile(join(out, a.kind === 'WEIGHTS' ? 'model' : 'plots', a.name), a.bytes);

  io.out(
    `Test accuracy: ${pct(ev.testAccuracy)} (loss ${ev.testLoss.toFixed(4)}, ${ev.count} test images, ${epochs} epoch(s), ${trainSeconds.toFixed(1)} s on ${backend.name})`,
  );
  for (const [c, acc] of ev.perClassAccuracy.entries()) io.out(`  ${(data.classNames[c] ?? String(c)).padEnd(12)} ${pct(acc)}`);
  if (decision && policy)
    io.out(
      decision.status === 'PASSED' ? `PASSED: at least ${pct(policy.minTestAccuracy)} is required` : `NOT PASSED: ${pct(policy.minTestAccuracy)} is required`,
    );
  io.out(`Plots, plot data and weights: ${out}`);
  return decision?.status === 'FAILED' ? 1 : 0;
}
