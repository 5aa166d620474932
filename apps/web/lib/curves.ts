import { CURVE_STYLE, type TCurveRole, type TEpochView } from '@epoch/contracts';

export interface TSeries {
  /** Tells series of the same role apart (overlaid attempts); the role when absent. */
  id?: string;
  /** Overrides the role's colour (overlaid attempts). */
  color?: string;
  role: TCurveRole;
  label: string;
  points: [number, number][];
}

/** The accuracy and loss series of one attempt's epochs (validation only where the grader measured it). */
export function curveSeries(epochs: readonly TEpochView[]): { accuracy: TSeries[]; loss: TSeries[] } {
  const pts = (f: (e: TEpochView) => number | null): [number, number][] =>
    epochs.flatMap((e) => {
      const v = f(e);
      return v === null || !Number.isFinite(v) ? [] : [[e.epoch, v] as [number, number]];
    });
  const drop = (s: TSeries[]) => s.filter((x) => x.points.length > 0);
  return {
    accuracy: drop([
      { role: 'training', label: CURVE_STYLE.training.label, points: pts((e) => e.accuracy) },
      { role: 'validation', label: CURVE_STYLE.validation.label, points: pts((e) => e.valAccuracy) },
    ]),
    loss: drop([
      { role: 'training', label: CURVE_STYLE.training.label, points: pts((e) => e.loss) },
      { role: 'validation', label: CURVE_STYLE.validation.label, points: pts((e) => e.valLoss) },
    ]),
  };
}

/** An SVG polyline's `points` for a series scaled into a w×h box (x over 1..maxEpoch, y over [yMin, yMax]). */
export function polylinePoints(points: readonly [number, number][], maxEpoch: number, yMin: number, yMax: number, w: number, h: number): string {
  const xSpan = Math.max(maxEpoch - 1, 1);
  const ySpan = yMax - yMin || 1;
  return points.map(([x, y]) => `${(((x - 1) / xSpan) * w).toFixed(1)},${(h - ((y - yMin) / ySpan) * h).toFixed(1)}`).join(' ');
}

/**
 * Merges epochs arriving from the stream: one per (attempt, epoch), only the latest attempt kept, in order; with
 * `currentAttempt` (the status's attempt), an earlier attempt's epochs are dropped even before the new one has any.
 */
export function mergeEpochs(current: readonly TEpochView[], incoming: readonly TEpochView[], currentAttempt = 0): TEpochView[] {
  const all = [...current, ...incoming];
  const attempt = Math.max(currentAttempt, ...all.map((e) => e.attempt));
  const byEpoch = new Map<number, TEpochView>();
  for (const e of all) if (e.attempt === attempt) byEpoch.set(e.epoch, e);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}
