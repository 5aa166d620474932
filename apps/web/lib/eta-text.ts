import type { TEtaRange } from '@epoch/contracts';

/** "45 s", "3 min", "1 h 20 min": seconds left as a reader takes them in. */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/**
 * The time left as the live page says it: one figure when the estimate is sure enough (its range within ±15%),
 * otherwise the range ("12–18 min"), in the unit of its upper end, rounded outwards so the truth stays inside.
 */
export function etaText(seconds: number, range: TEtaRange | null | undefined): string {
  if (!range || range.high <= 0 || (range.high - range.low) / 2 <= 0.15 * Math.max(seconds, 1)) return `about ${durationText(seconds)}`;
  if (range.high < 90) return `${Math.floor(range.low)}–${Math.ceil(range.high)} s`;
  if (range.high < 90 * 60) return `${Math.floor(range.low / 60)}–${Math.ceil(range.high / 60)} min`;
  const h = (v: number) => Math.round(v / 360) / 10;
  return `${h(range.low)}–${h(range.high)} h`;
}

/**
 * Best-of-k's seeds as the result page lists them: "seed 42: 69.5% (14 min), seed 43: 70.2% (13 min)", and what the
 * extra seeds cost in grader time (null when their times were not recorded).
 */
export function seedRunsText(
  runs: readonly { seed: number; testAccuracy: number; trainingSeconds?: number | undefined }[],
  percent: (v: number) => string,
): {
  list: string;
  extraSeconds: number | null;
} {
  const list = runs
    .map((r) => `seed ${r.seed}: ${percent(r.testAccuracy)}${r.trainingSeconds !== undefined ? ` (${durationText(r.trainingSeconds)})` : ''}`)
    .join(', ');
  const extra = runs.slice(1);
  const extraSeconds = extra.length > 0 && extra.every((r) => r.trainingSeconds !== undefined) ? extra.reduce((t, r) => t + (r.trainingSeconds ?? 0), 0) : null;
  return { list, extraSeconds };
}

/**
 * The accuracy a verdict line quotes: the one the verdict judged (the API's verdictAccuracy), where it was measured (the
 * held-out images under a split) and, over several seeds (best-of-k), how many seeds ran.
 */
export function verdictAccuracyText(
  result: { verdictAccuracy: number | null; heldOut: unknown; seedRuns: readonly unknown[] },
  percent: (v: number) => string,
  soFar = false,
): string {
  if (result.verdictAccuracy === null) return '—';
  const where = result.heldOut ? ' on the held-out images' : '';
  const seeds = result.seedRuns.length > 1 ? ` (the best of ${result.seedRuns.length} seeds${soFar ? ' so far' : ''})` : '';
  return `${percent(result.verdictAccuracy)}${where}${seeds}`;
}
