import type { TClassResultRow, TProgressView } from '@epoch/contracts';
import { isFinal, statusLabel, type TTone } from './status-text';

export type TSortKey = 'name' | 'attempts' | 'bestTestAccuracy' | 'latestTestAccuracy' | 'passed' | 'lastSubmissionAt';
export type TFilter = 'all' | 'passed' | 'not-passed' | 'late' | 'no-attempt';

/** Filters by text (name or email) and state, then sorts; missing values always go last, whatever the direction. */
export function classView(rows: readonly TClassResultRow[], opts: { query: string; filter: TFilter; sort: TSortKey; desc: boolean }): TClassResultRow[] {
  const q = opts.query.trim().toLowerCase();
  const keep = (r: TClassResultRow): boolean => {
    if (q && !r.name.toLowerCase().includes(q) && !r.email.toLowerCase().includes(q)) return false;
    switch (opts.filter) {
      case 'all':
        return true;
      case 'passed':
        return r.passed;
      case 'not-passed':
        return !r.passed;
      case 'late':
        return r.late;
      case 'no-attempt':
        return r.attempts === 0;
    }
  };
  const value = (r: TClassResultRow): string | number | null => {
    switch (opts.sort) {
      case 'name':
        return r.name.toLowerCase();
      case 'attempts':
        return r.attempts;
      case 'bestTestAccuracy':
        return r.bestTestAccuracy;
      case 'latestTestAccuracy':
        return r.latestTestAccuracy;
      case 'passed':
        return r.passed ? 1 : 0;
      case 'lastSubmissionAt':
        return r.lastSubmissionAt;
    }
  };
  return rows.filter(keep).sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = x < y ? -1 : x > y ? 1 : 0;
    return opts.desc ? -c : c;
  });
}

/** What a re-train request did, in words: how many were queued, and why others were not. */
export function retrainMessage(r: { changed: readonly string[]; skipped: readonly { id: string; reason: string }[] }): string {
  const n = r.changed.length;
  const queued =
    n === 0
      ? 'Nothing was queued for re-training'
      : `Queued ${n} submission${n === 1 ? '' : 's'} for re-training; ${n === 1 ? 'its' : 'their'} old result${n === 1 ? ' is' : 's are'} replaced when the grader finishes`;
  const reasons = [...new Set(r.skipped.map((x) => x.reason))];
  return `${queued}.${r.skipped.length ? ` ${r.skipped.length} not queued (${reasons.join('; ')}).` : ''}`;
}

/**
 * The Passed column: a verdict only once there is one. While the latest submission is received, queued or training,
 * its status is shown instead (never "no" for a run that has not finished); without any graded or refused attempt, a dash.
 */
export function passedCell(r: Pick<TClassResultRow, 'passed' | 'bestTestAccuracy' | 'latestStatus'>): { text: string; tone: TTone } {
  if (r.passed) return { text: 'yes', tone: 'pass' };
  if (r.latestStatus && !isFinal(r.latestStatus)) return statusLabel(r.latestStatus);
  if (r.bestTestAccuracy !== null || r.latestStatus === 'FAILED' || r.latestStatus === 'REJECTED') return { text: 'no', tone: 'fail' };
  return { text: '—', tone: 'neutral' };
}

/**
 * The Status column: the latest submission as it stands now: queued (with its place in the queue), training n of N
 * (the grader's live epoch), evaluating, then the final status. Null status: no submission.
 */
export function liveStatusCell(p: Pick<TProgressView, 'status' | 'queuePosition' | 'live' | 'epochs'> | null): { text: string; tone: TTone } {
  if (!p) return { text: '—', tone: 'neutral' };
  if (p.status === 'QUEUED') return { text: p.queuePosition ? `queued (#${p.queuePosition})` : 'queued', tone: 'wait' };
  if (p.status === 'RUNNING') {
    const l = p.live;
    if (!l) return { text: p.epochs.length ? `training (${p.epochs.length} epochs done)` : 'training', tone: 'run' };
    if (l.phase === 'loading') return { text: 'starting', tone: 'run' };
    if (l.phase === 'training') return { text: `training ${Math.min(l.epoch + 1, l.epochs)} of ${l.epochs}`, tone: 'run' };
    return { text: l.phase === 'evaluating' ? 'evaluating' : 'storing the result', tone: 'run' };
  }
  const s = statusLabel(p.status);
  return { text: s.text.toLowerCase(), tone: s.tone };
}
