import type { TDiagnosisKind } from '@epoch/contracts';

/** One epoch of a training history (what EpochMetric rows and `./epoch grade`'s history.json hold). */
export interface THistoryEpoch {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

/** A hint before its lesson step is looked up (see lessonStepFor). */
export interface TFinding {
  kind: TDiagnosisKind;
  title: string;
  message: string;
  epoch: number | null;
}

/**
 * The lesson steps (slugs, as the content loader makes them from the file names) that explain each diagnosis, best
 * first: the result view links the first one the exercise's course has.
 */
export const DIAGNOSIS_STEPS: Record<TDiagnosisKind, readonly string[]> = {
  overfitting: ['overfitting', 'pooling-and-dropout'],
  'learning-rate-too-high': ['training-and-accuracy', 'first-cnn'],
  underfitting: ['pooling-and-dropout', 'why-cnns', 'model3'],
  'dead-output': ['predictions', 'training-and-accuracy'],
};

/** The thresholds of the rules (exported for the tests and the docs). */
export const DIAGNOSIS_RULES = {
  /** Overfitting: validation loss ends at least this much (relative) above its lowest point... */
  overfitValLossRise: 0.1,
  /** ...at least this many epochs after it, while training accuracy ends this far above validation accuracy. */
  overfitMinEpochsAfter: 2,
  overfitAccuracyGap: 0.1,
  /** Learning rate: within the first epochs, training loss rising by more than this (relative) from one epoch to the next. */
  earlyEpochs: 5,
  lossRise: 0.02,
  /** ...or training loss moving up and down at least this many times in those epochs. */
  oscillations: 2,
  /** Underfitting: both accuracies at the last epoch below this, and both higher than `trendEpochs` epochs before. */
  lowAccuracy: 0.5,
  trendEpochs: 2,
  /** Dead output: one class predicted for at least this share of the test images. */
  deadOutputShare: 0.5,
} as const;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const finite = (x: number | null): x is number => x !== null && Number.isFinite(x);

/** Overfitting: validation loss turns up (and keeps above its lowest point) while training loss still falls. */
function overfitting(h: readonly THistoryEpoch[]): TFinding | null {
  const R = DIAGNOSIS_RULES;
  const withVal = h.filter((e) => finite(e.valLoss));
  if (withVal.length < 3) return null;
  let best = 0;
  for (let i = 1; i < withVal.length; i++) if ((withVal[i].valLoss as number) < (withVal[best].valLoss as number)) best = i;
  const last = withVal[withVal.length - 1];
  const lowest = withVal[best].valLoss as number;
  if (withVal.length - 1 - best < R.overfitMinEpochsAfter) return null;
  if ((last.valLoss as number) < lowest * (1 + R.overfitValLossRise)) return null;
  if (!(last.loss < withVal[best].loss)) return null;
  const gap = finite(last.valAccuracy) ? last.accuracy - last.valAccuracy : null;
  if (gap === null || gap < R.overfitAccuracyGap) return null;
  const turn = withVal[best + 1].epoch;
  return {
    kind: 'overfitting',
    title: 'Overfitting',
    epoch: turn,
    message:
      `From epoch ${turn} on, the validation loss rises (from ${lowest.toFixed(3)} to ${(last.valLoss as number).toFixed(3)}) while the training loss ` +
      `keeps falling, and training accuracy ends ${(100 * gap).toFixed(1)} percentage points above validation accuracy: the model learns the training images by heart. ` +
      `Dropout, pooling, data augmentation or fewer epochs help.`,
  };
}

/** Learning rate too high: a loss that is not a number, or training loss rising or oscillating in the first epochs. */
function learningRate(h: readonly THistoryEpoch[]): TFinding | null {
  const R = DIAGNOSIS_RULES;
  const bad = h.find((e) => !Number.isFinite(e.loss) || (e.valLoss !== null && !Number.isFinite(e.valLoss)));
  if (bad)
    return {
      kind: 'learning-rate-too-high',
      title: 'The loss became NaN',
      epoch: bad.epoch,
      message: `At epoch ${bad.epoch} the loss stopped being a number: the updates grew without bound. A smaller learning rate (or the Adam optimizer) usually fixes it.`,
    };
  const early = h.slice(0, R.earlyEpochs);
  const rise = early.findIndex((e, i) => i > 0 && e.loss > early[i - 1].loss * (1 + R.lossRise));
  let turns = 0;
  for (let i = 2; i < early.length; i++) if (Math.sign(early[i].loss - early[i - 1].loss) !== Math.sign(early[i - 1].loss - early[i - 2].loss)) turns++;
  if (rise < 0 && turns < R.oscillations) return null;
  const at = rise >= 0 ? early[rise] : early[early.length - 1];
  return {
    kind: 'learning-rate-too-high',
    title: 'The learning rate may be too high',
    epoch: at.epoch,
    message:
      rise >= 0
        ? `The training loss rose at epoch ${at.epoch} (${early[rise - 1].loss.toFixed(3)} → ${at.loss.toFixed(3)}) instead of falling: the optimizer's steps overshoot. Try a smaller learning rate.`
        : `The training loss goes up and down in the first ${early.length} epochs instead of falling steadily: the optimizer's steps overshoot. Try a smaller learning rate.`,
  };
}

/** Underfitting: training and validation accuracy both low and still rising at the last epoch. */
function underfitting(h: readonly THistoryEpoch[]): TFinding | null {
  const R = DIAGNOSIS_RULES;
  if (h.length < 2) return null;
  const last = h[h.length - 1];
  const before = h[Math.max(0, h.length - 1 - R.trendEpochs)];
  if (!finite(last.valAccuracy) || !finite(before.valAccuracy)) return null;
  if (last.accuracy >= R.lowAccuracy || last.valAccuracy >= R.lowAccuracy) return null;
  if (!(last.accuracy > before.accuracy && last.valAccuracy > before.valAccuracy)) return null;
  return {
    kind: 'underfitting',
    title: 'Underfitting',
    epoch: last.epoch,
    message:
      `Training accuracy (${pct(last.accuracy)}) and validation accuracy (${pct(last.valAccuracy)}) are both low and were still rising at the ` +
      `last epoch: the model has not learned enough yet. A larger model (more filters or layers) or more epochs help.`,
  };
}

/** A dead output: the model predicts one class for most of the test images (the confusion matrix's columns). */
function deadOutput(confusion: unknown): TFinding | null {
  if (!Array.isArray(confusion) || confusion.length < 2) return null;
  const rows = confusion.filter((r): r is number[] => Array.isArray(r) && r.every((x) => typeof x === 'number'));
  if (rows.length !== confusion.length) return null;
  const predicted = rows[0].map((_, j) => rows.reduce((s, r) => s + (r[j] ?? 0), 0));
  const total = predicted.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const top = predicted.indexOf(Math.max(...predicted));
  const share = predicted[top] / total;
  if (share < DIAGNOSIS_RULES.deadOutputShare) return null;
  return {
    kind: 'dead-output',
    title: 'One class for almost everything',
    epoch: null,
    message:
      `The model predicts class ${top} for ${pct(share)} of the test images: its output has stopped depending on the picture. ` +
      `Check the output layer (10 units, softmax), the loss and the learning rate.`,
  };
}

/**
 * Rule-based hints on a finished result: overfitting, a learning rate too high, underfitting and a dead output. Pure:
 * it reads the training history and, when the viewer may see it, the test set's confusion matrix (rows: true class,
 * columns: predicted class).
 */
export function diagnose(history: readonly THistoryEpoch[], confusionMatrix: unknown = null): TFinding[] {
  const sorted = [...history].sort((a, b) => a.epoch - b.epoch);
  return [learningRate(sorted), overfitting(sorted), underfitting(sorted), deadOutput(confusionMatrix)].filter((f): f is TFinding => f !== null);
}

/** The first of a diagnosis's lesson steps that `available` (step slug -> link) holds. */
export function lessonStepFor<T>(kind: TDiagnosisKind, available: ReadonlyMap<string, T>): T | null {
  for (const slug of DIAGNOSIS_STEPS[kind]) {
    const step = available.get(slug);
    if (step !== undefined) return step;
  }
  return null;
}
