import { isFinalStatus, type TQuotaView, type TStudentPolicyView, type TCalibrationState } from '@epoch/contracts';
import { si } from '@epoch/model-spec';

export const percent = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

/** How many seeds of the shown calibrations (reference solution and wrong variants) are still queued or training. */
export function calibrationSeedsLeft(state: TCalibrationState): number {
  const shown = [state.calibration, ...state.variants.map((v) => v.calibration)];
  return shown.reduce((n, c) => n + (c?.runs.filter((r) => !isFinalStatus(r.status)).length ?? 0), 0);
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** A value that is a point in time: shown in the reader's time zone (`at`), followed by `note`. */
export interface TTimeValue {
  at: string;
  note: string;
}

/** The policy as the rows a student reads before submitting: [label, value]. */
export function policyRows(p: TStudentPolicyView, quota: TQuotaView | null, now = new Date()): [string, string | TTimeValue][] {
  const rows: [string, string | TTimeValue][] = [
    ['Pass mark', `test accuracy of at least ${percent(p.minTestAccuracy)}`],
    ['Epochs', p.requiredEpochs !== null ? `exactly ${p.requiredEpochs}` : `up to ${p.maxEpochs}`],
    ['Batch size', String(p.batchSize)],
    ['Largest model', `${p.maxParams.toLocaleString('en-US')} parameters`],
    [
      'Training cost',
      `at most ${si(p.maxTrainingMacs)} multiply-adds of training, ${p.maxActivationMiB.toLocaleString('en-US')} MiB of activations per batch, ${p.maxParamMiB.toLocaleString('en-US')} MiB of weights`,
    ],
    ['Training time limit', duration(p.timeLimitSeconds)],
  ];
  if (p.allowedLayers) rows.push(['Allowed layers', p.allowedLayers.join(', ')]);
  if (p.allowedOptimizers) rows.push(['Allowed optimizers', p.allowedOptimizers.join(', ')]);
  if (p.deadline) {
    const d = new Date(p.deadline);
    const past = d.getTime() < now.getTime();
    rows.push([
      'Deadline',
      {
        at: d.toISOString(),
        note: past ? (p.latePolicy === 'ACCEPT' ? ' (passed: late submissions are accepted and marked late)' : ' (passed: submissions are closed)') : '',
      },
    ]);
  } else {
    rows.push(['Deadline', 'none']);
  }
  if (p.resultVisibility === 'AFTER_DEADLINE') rows.push(['Results', 'shown after the deadline']);
  if (p.seedPolicy === 'PER_STUDENT') rows.push(['Seed', 'your own training seed (the same on every submission)']);
  if (p.seedPolicy === 'BEST_OF_K')
    rows.push([
      'Seeds',
      `a result less than ${percent(p.bestOfMargin)} below the pass mark is trained again with other seeds (up to ${p.bestOfSeeds} in all) and passes if any does`,
    ]);
  if (p.heldOutShare !== null)
    rows.push([
      'Held-out test images',
      `${percent(p.heldOutShare, 0)} of the test images decide pass or fail; their numbers${p.deadline ? ' and the verdict are shown after the deadline' : ' are shown with the verdict'}`,
    ]);
  if (quota) {
    const parts: string[] = [];
    if (quota.dailyLeft !== null) parts.push(`${quota.dailyLeft} left today`);
    if (quota.totalLeft !== null) parts.push(`${quota.totalLeft} left in total`);
    rows.push(['Submissions', parts.length ? parts.join(', ') : 'unlimited']);
    if (parts.length)
      rows.push(['Cancelling', p.refundCancelledQuota ? 'gives the submission back, even while it trains' : 'while it trains still uses the submission']);
    if (p.replaceQueued) rows.push(['Resubmitting', 'a newer submission replaces your older one still waiting in the queue (its slot is returned)']);
  }
  if (p.practiceDailyLimit > 0)
    rows.push([
      'Practice runs',
      `free, ${p.practiceDailyLimit} a day: ${p.practiceTrainImages.toLocaleString('en-US')} training images, ${p.practiceEpochs} epoch${p.practiceEpochs === 1 ? '' : 's'}, validation metrics only`,
    ]);
  return rows;
}

/** Whether the quota still allows a submission (staff have no quota). */
export function quotaAllows(quota: TQuotaView | null): boolean {
  return !quota || ((quota.dailyLeft ?? 1) > 0 && (quota.totalLeft ?? 1) > 0);
}
