import { PlotInputError } from './errors';
import { CURVE_STYLE } from '@epoch/contracts';
import { lineChart, type ChartLayout } from './line-chart';
import { finish } from './render';
import type { PlotResult } from './types';
import { describe, requireArray } from './validate';

export interface AccuracyEpoch {
  epoch: number;
  accuracy: number;
  valAccuracy: number | null;
}

export interface LossEpoch {
  epoch: number;
  loss: number;
  valLoss: number | null;
}

export interface SkippedValue {
  epoch: number;
  field: string;
  /** How the value came in: 'NaN', 'Infinity', '-Infinity'. */
  value: string;
}

export interface HistoryPlotData {
  epochs: number[];
  /** Training values per epoch; null where missing or not finite. */
  training: (number | null)[];
  /** Validation values per epoch; null where missing or not finite. */
  validation: (number | null)[];
  skipped: SkippedValue[];
  layout: ChartLayout;
}

interface Row {
  epoch: number;
  train: unknown;
  val: unknown;
}

interface HistoryChart {
  argument: string;
  trainField: string;
  valField: string;
  title: string;
  yLabel: string;
  trainLabel: string;
  valLabel: string;
  yDomain?: [number, number];
}

function finiteOrNull(value: unknown, field: string, epoch: number, where: string, nullable: boolean, skipped: SkippedValue[]): number | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'number') throw new PlotInputError(where, `expected a number${nullable ? ' or null' : ''}, got ${describe(value)}`);
  if (Number.isFinite(value)) return value;
  skipped.push({ epoch, field, value: String(value) });
  return null;
}

function historyPlot(rows: unknown, chart: HistoryChart, pick: (entry: Record<string, unknown>) => Row): PlotResult<HistoryPlotData> {
  const entries = requireArray(rows, chart.argument).map((entry, i) => {
    if (typeof entry !== 'object' || entry === null) throw new PlotInputError(`${chart.argument}[${i}]`, `expected an object, got ${describe(entry)}`);
    const row = pick(entry as Record<string, unknown>);
    if (typeof row.epoch !== 'number' || !Number.isFinite(row.epoch)) {
      throw new PlotInputError(`${chart.argument}[${i}].epoch`, `expected a finite number, got ${describe(row.epoch)}`);
    }
    return { ...row, index: i };
  });
  entries.sort((a, b) => a.epoch - b.epoch);
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.epoch === entries[i - 1]!.epoch) {
      throw new PlotInputError(`${chart.argument}[${entries[i]!.index}].epoch`, `epoch ${entries[i]!.epoch} appears more than once`);
    }
  }
  const skipped: SkippedValue[] = [];
  const training = entries.map((e) => finiteOrNull(e.train, chart.trainField, e.epoch, `${chart.argument}[${e.index}].${chart.trainField}`, false, skipped));
  const validation = entries.map((e) => finiteOrNull(e.val, chart.valField, e.epoch, `${chart.argument}[${e.index}].${chart.valField}`, true, skipped));
  const epochs = entries.map((e) => e.epoch);
  const { svg, layout } = lineChart({
    title: chart.title,
    xLabel: 'Epochs',
    yLabel: chart.yLabel,
    yDomain: chart.yDomain,
    emptyMessage: entries.length ? 'No finite values to plot' : 'No epochs to plot',
    notes: skipped.map((s) => `Skipped ${s.field} = ${s.value} at epoch ${s.epoch} (not a finite number)`),
    series: [
      // The lesson's convention, shared with the web's charts: training 'ro' (red dots), validation 'b' (blue line).
      {
        label: chart.trainLabel,
        color: CURVE_STYLE.training.color,
        style: CURVE_STYLE.training.marker,
        points: epochs.map((x, i) => ({ x, y: training[i]! })),
      },
      {
        label: chart.valLabel,
        color: CURVE_STYLE.validation.color,
        style: CURVE_STYLE.validation.marker,
        points: epochs.map((x, i) => ({ x, y: validation[i]! })),
      },
    ],
  });
  return finish(svg, { epochs, training, validation, skipped, layout });
}

/** Training (red dots) vs validation (blue line) accuracy per epoch, as the lesson plots it; y spans 0–1. */
export function accuracyPlot(history: readonly AccuracyEpoch[]): PlotResult<HistoryPlotData> {
  return historyPlot(
    history,
    {
      argument: 'history',
      trainField: 'accuracy',
      valField: 'valAccuracy',
      title: 'Training and validation accuracy',
      yLabel: 'Accuracy',
      trainLabel: 'Training acc',
      valLabel: 'Validation acc',
      yDomain: [0, 1],
    },
    (e) => ({ epoch: e['epoch'] as number, train: e['accuracy'], val: e['valAccuracy'] ?? null }),
  );
}

/** Training (red dots) vs validation (blue line) loss per epoch; y starts at 0 and fits the data. */
export function lossPlot(history: readonly LossEpoch[]): PlotResult<HistoryPlotData> {
  return historyPlot(
    history,
    {
      argument: 'history',
      trainField: 'loss',
      valField: 'valLoss',
      title: 'Training and validation loss',
      yLabel: 'Loss',
      trainLabel: 'Training loss',
      valLabel: 'Validation loss',
    },
    (e) => ({ epoch: e['epoch'] as number, train: e['loss'], val: e['valLoss'] ?? null }),
  );
}
