import type { TResultNotice } from '@epoch/contracts';

/**
 * Browser notifications of results, shared by every open Epoch tab of the browser through localStorage:
 * - `SINCE_KEY`: the server time up to which results have been looked at. A page that opens asks for everything that
 *   ended after it, so a result that ended while no Epoch page was open ("was open") is announced when the student
 *   comes back (within a week); the first page ever opened starts from now.
 * - `SEEN_KEY`: the notices already shown (submission and status), so two tabs polling at once announce each once;
 *   the notification's `tag` is the same key, so the browser itself also replaces rather than repeats it.
 */
export const SINCE_KEY = 'epoch.notices.since';
export const SEEN_KEY = 'epoch.notices.seen';
const SEEN_MAX = 200;

export const noticeKey = (n: Pick<TResultNotice, 'submissionId' | 'status'>) => `${n.submissionId}:${n.status}`;

const STATUS_WORDS: Record<string, string> = {
  PASSED: 'passed',
  FAILED: 'did not pass',
  GRADED: 'has been graded',
  REJECTED: 'was rejected',
  ERROR: 'could not be graded (not your fault)',
};

/** The notification's title and body for a notice. */
export function noticeText(n: TResultNotice): { title: string; body: string } {
  const acc = n.testAccuracy === null ? '' : ` Test accuracy ${(n.testAccuracy * 100).toFixed(1)}%.`;
  return { title: `Result ready: ${n.exerciseTitle}`, body: `Your submission ${STATUS_WORDS[n.status] ?? n.status.toLowerCase()}.${acc}` };
}

/** The notices not yet shown (oldest first), and the seen list with them added (bounded). */
export function unseen(notices: readonly TResultNotice[], seen: readonly string[]): { fresh: TResultNotice[]; seen: string[] } {
  const known = new Set(seen);
  const fresh = [...notices].reverse().filter((n) => !known.has(noticeKey(n)));
  return { fresh, seen: [...seen, ...fresh.map(noticeKey)].slice(-SEEN_MAX) };
}

/** A localStorage value parsed as a list of strings (anything else: empty). */
export function parseSeen(raw: string | null): string[] {
  try {
    const v: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** A stored `since` (ISO), or null when missing or not a date. */
export function parseSince(raw: string | null): string | null {
  return raw && !Number.isNaN(Date.parse(raw)) ? raw : null;
}
