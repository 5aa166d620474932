import { ZGradingPolicy, type TGradingPolicy } from '@epoch/contracts';

/** The editable fields of a policy as form text; the rest of the policy is kept as it is. */
export const POLICY_FIELDS = [
  { name: 'minTestAccuracy', label: 'Pass mark (% test accuracy)', kind: 'percent' },
  { name: 'requiredEpochs', label: 'Required epochs (blank: any up to the maximum)', kind: 'int?' },
  { name: 'maxEpochs', label: 'Maximum epochs', kind: 'int' },
  { name: 'batchSize', label: 'Batch size', kind: 'int' },
  { name: 'maxParams', label: 'Largest model (parameters)', kind: 'int' },
  {
    name: 'maxTrainingMacs',
    label: 'Training work limit (multiply-adds: per image × 3 × training images × epochs, e.g. 3.6e14)',
    kind: 'number',
  },
  { name: 'maxActivationMiB', label: 'Activation memory per training batch (MiB)', kind: 'int' },
  { name: 'maxParamMiB', label: 'Weight memory with gradients and optimizer state (MiB)', kind: 'int' },
  { name: 'timeLimitSeconds', label: 'Training time limit (seconds)', kind: 'int' },
  { name: 'dailyQuota', label: 'Submissions per day (blank: unlimited)', kind: 'int?' },
  { name: 'totalQuota', label: 'Submissions in total (blank: unlimited)', kind: 'int?' },
  {
    name: 'refundCancelledQuota',
    label: 'A submission cancelled while it trains gives its quota slot back (one cancelled while queued always does)',
    kind: 'bool',
  },
  { name: 'deadline', label: 'Deadline (ISO 8601, e.g. 2026-12-01T23:59:00Z; blank: none)', kind: 'text?' },
  { name: 'practiceTrainImages', label: 'Practice runs: training images (a seeded subset)', kind: 'int' },
  { name: 'practiceEpochs', label: 'Practice runs: epochs', kind: 'int' },
  { name: 'practiceDailyLimit', label: 'Practice runs per student per day (0: off; free of the quota)', kind: 'int' },
  {
    name: 'replaceQueued',
    label: "A student's newer submission replaces their older one still waiting in the queue (cancelled, quota slot returned)",
    kind: 'bool',
  },
  { name: 'congestionWaitSeconds', label: 'Congestion banner when the wait for a grader exceeds (seconds)', kind: 'int' },
  { name: 'seed', label: 'Training seed', kind: 'int' },
  {
    name: 'seedPolicy',
    label: 'Seeds: one fixed seed, a seed per student, or the best of k seeds for results just below the pass mark',
    kind: 'choice',
    options: [
      ['FIXED', 'One fixed seed'],
      ['PER_STUDENT', 'A seed per student'],
      ['BEST_OF_K', 'Best of k seeds for borderline results'],
    ],
  },
  { name: 'bestOfSeeds', label: 'Best of k: at most this many seeds per submission (2–10)', kind: 'int' },
  { name: 'bestOfMargin', label: 'Best of k: retrain results at most this far below the pass mark (% points)', kind: 'percent' },
  {
    name: 'heldOutShare',
    label: 'Held-out test split: % of the test images that decide the verdict, shown to students after the deadline (blank: none)',
    kind: 'percent?',
  },
] as const;
export type TPolicyFieldName = (typeof POLICY_FIELDS)[number]['name'];

export function policyToForm(p: TGradingPolicy): Record<TPolicyFieldName, string> {
  const out = {} as Record<TPolicyFieldName, string>;
  for (const f of POLICY_FIELDS) {
    const v = p[f.name];
    out[f.name] =
      v === null || v === false
        ? ''
        : v === true
          ? 'on'
          : f.kind === 'percent' || f.kind === 'percent?'
            ? String(Math.round(Number(v) * 100_000) / 1000)
            : f.kind === 'number' && Number(v) >= 1e6
              ? Number(v).toExponential().replace('e+', 'e')
              : String(v);
  }
  return out;
}

/** The form's text over the current policy, validated by the shared schema: the policy, or a message per field. */
export function policyFromForm(
  current: TGradingPolicy,
  form: Record<string, string>,
): { policy: TGradingPolicy; errors: null } | { policy: null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const next: Record<string, unknown> = { ...current };
  for (const f of POLICY_FIELDS) {
    const raw = (form[f.name] ?? '').trim();
    if (f.kind === 'bool') {
      // A checkbox: sent as "on" when ticked, absent when not.
      next[f.name] = raw === 'on' || raw === 'true';
      continue;
    }
    if (raw === '' && f.kind.endsWith('?')) {
      next[f.name] = null;
      continue;
    }
    if (f.kind === 'text?' || f.kind === 'choice') {
      next[f.name] = raw;
      continue;
    }
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n)) {
      errors[f.name] = 'enter a number';
      continue;
    }
    if (f.kind === 'percent' || f.kind === 'percent?') next[f.name] = n / 100;
    else if (f.kind === 'number') next[f.name] = n;
    else if (!Number.isInteger(n)) errors[f.name] = 'enter a whole number';
    else next[f.name] = n;
  }
  if (Object.keys(errors).length) return { policy: null, errors };
  const r = ZGradingPolicy.safeParse(next);
  if (r.success) return { policy: r.data, errors: null };
  for (const i of r.error.issues) {
    const key = String(i.path[0] ?? 'form');
    errors[key] ??= key === 'minTestAccuracy' ? 'must be between 0 and 100' : i.message;
  }
  return { policy: null, errors };
}
