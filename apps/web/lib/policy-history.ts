import type { TPolicyChangeView } from '@epoch/contracts';
import { formatUtc } from './local-time';

type TValue = TPolicyChangeView['changes'][number]['old'];

/** Short names of the policy's fields for the change history (a field without one shows its own name). */
const LABELS: Record<string, string> = {
  minTestAccuracy: 'Pass mark',
  requiredEpochs: 'Required epochs',
  maxEpochs: 'Maximum epochs',
  batchSize: 'Batch size',
  seed: 'Seed',
  maxParams: 'Largest model (parameters)',
  maxTrainingMacs: 'Training work (multiply-adds)',
  maxActivationMiB: 'Activation memory per batch (MiB)',
  maxParamMiB: 'Weight memory (MiB)',
  allowedLayers: 'Allowed layers',
  allowedOptimizers: 'Allowed optimizers',
  timeLimitSeconds: 'Time limit (seconds)',
  dailyQuota: 'Submissions per day',
  totalQuota: 'Submissions in total',
  refundCancelledQuota: 'Quota slot back when cancelled while training',
  deadline: 'Deadline',
  latePolicy: 'Late submissions',
  resultVisibility: 'Results shown',
  limitTrain: 'Training images',
  limitTest: 'Test images',
  reuseCachedResults: 'Reuse identical results',
  practiceTrainImages: 'Practice: training images',
  practiceEpochs: 'Practice: epochs',
  practiceDailyLimit: 'Practice runs per day',
  replaceQueued: 'Newer submission replaces a queued one',
  congestionWaitSeconds: 'Congestion banner above (seconds of wait)',
  seedPolicy: 'Seeds',
  bestOfSeeds: 'Best of k: seeds',
  bestOfMargin: 'Best of k: margin',
  heldOutShare: 'Held-out test split',
};

/** What null means for a field ("no limit" reads better than a dash). */
const NONE: Record<string, string> = {
  requiredEpochs: 'any',
  allowedLayers: 'any',
  allowedOptimizers: 'any',
  dailyQuota: 'unlimited',
  totalQuota: 'unlimited',
  deadline: 'none',
  limitTrain: 'all',
  limitTest: 'all',
  heldOutShare: 'none',
};

export function fieldLabel(field: string): string {
  return LABELS[field] ?? field;
}

export function formatPolicyValue(field: string, v: TValue): string {
  if (v === null) return NONE[field] ?? '—';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (field === 'minTestAccuracy' && typeof v === 'number') return `${(v * 100).toFixed(1)}%`;
  if (field === 'deadline' && typeof v === 'string' && !Number.isNaN(Date.parse(v))) return formatUtc(v);
  if (typeof v === 'number') return v.toLocaleString('en-US');
  return v.replace(/_/g, ' ').toLowerCase();
}

/** One line per changed field: "Pass mark: 70.0% → 75.0%" (the first version: "Pass mark: 70.0%"). */
export function changeLines(item: Pick<TPolicyChangeView, 'kind' | 'changes'>): string[] {
  return item.changes.map((c) =>
    item.kind === 'initial'
      ? `${fieldLabel(c.field)}: ${formatPolicyValue(c.field, c.new)}`
      : `${fieldLabel(c.field)}: ${formatPolicyValue(c.field, c.old)} → ${formatPolicyValue(c.field, c.new)}`,
  );
}
