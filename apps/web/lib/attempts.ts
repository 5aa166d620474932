import { diffLines } from 'diff';
import type { TStudentAttempt } from '@epoch/contracts';
import type { TSeries } from './curves';

/** CIFAR-10's classes, in the label order the per-class accuracies use. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The colours that tell two overlaid attempts apart (first: the left one, second: the right one). */
export const ATTEMPT_COLORS = ['#1f5fbf', '#d9480f'] as const;

/**
 * Two attempts' curves overlaid: per attempt, training as dots and validation as a line, in the attempt's colour.
 * An attempt without validation numbers has only its training series.
 */
export function overlaySeries(attempts: readonly Pick<TStudentAttempt, 'number' | 'history'>[]): { accuracy: TSeries[]; loss: TSeries[] } {
  const out: { accuracy: TSeries[]; loss: TSeries[] } = { accuracy: [], loss: [] };
  attempts.forEach((a, i) => {
    const color = ATTEMPT_COLORS[i % ATTEMPT_COLORS.length]!;
    const pts = (f: (e: TStudentAttempt['history'][number]) => number | null): [number, number][] =>
      a.history.flatMap((e) => {
        const v = f(e);
        return v === null || !Number.isFinite(v) ? [] : [[e.epoch, v] as [number, number]];
      });
    const add = (into: TSeries[], role: 'training' | 'validation', points: [number, number][]) => {
      if (points.length) into.push({ id: `${a.number}-${role}`, role, color, label: `Attempt ${a.number} ${role}`, points });
    };
    add(
      out.accuracy,
      'training',
      pts((e) => e.accuracy),
    );
    add(
      out.accuracy,
      'validation',
      pts((e) => e.valAccuracy),
    );
    add(
      out.loss,
      'training',
      pts((e) => e.loss),
    );
    add(
      out.loss,
      'validation',
      pts((e) => e.valLoss),
    );
  });
  return out;
}

export interface TDiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
  /** Line number in the left (older) source, or null for an added line. */
  left: number | null;
  /** Line number in the right source, or null for a removed line. */
  right: number | null;
}

/** A line diff of two sources (the `diff` package's diffLines), numbered on both sides. */
export function sourceDiff(left: string, right: string): TDiffLine[] {
  const out: TDiffLine[] = [];
  let l = 1;
  let r = 1;
  for (const part of diffLines(left, right)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    for (const text of lines) {
      if (part.added) out.push({ kind: 'added', text, left: null, right: r++ });
      else if (part.removed) out.push({ kind: 'removed', text, left: l++, right: null });
      else out.push({ kind: 'same', text, left: l++, right: r++ });
    }
  }
  return out;
}

/** The two attempts shown at first: the counted one and the latest other one (or the last two). */
export function defaultPair(attempts: readonly Pick<TStudentAttempt, 'submissionId'>[], countedId: string | null): [string | null, string | null] {
  const ids = attempts.map((a) => a.submissionId);
  if (ids.length === 0) return [null, null];
  if (ids.length === 1) return [ids[0]!, null];
  const latest = ids[ids.length - 1]!;
  if (countedId && countedId !== latest && ids.includes(countedId)) return [countedId, latest];
  return [ids[ids.length - 2]!, latest];
}
