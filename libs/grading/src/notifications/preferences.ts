import { judgedAccuracy } from '../lifecycle/decide';
import type { TNotificationPreferencesRequest, TResultNotices } from '@epoch/contracts';
import type { TDb } from '@epoch/db';
import { resultHidden, scheduleOf, shownStatus } from '../lifecycle/schedule';
import { NOTIFIED_STATUSES } from './result-notice';

/** The defaults of a user who never saved preferences (the table's column defaults). */
export const DEFAULT_PREFERENCES: TNotificationPreferencesRequest = { emailOnResult: false, reminders: false, browser: true };

export async function notificationPreferences(db: TDb, userId: string): Promise<TNotificationPreferencesRequest> {
  const row = await db.notificationPreferences.findUnique({ where: { userId } });
  return row ? { emailOnResult: row.emailOnResult, reminders: row.reminders, browser: row.browser } : { ...DEFAULT_PREFERENCES };
}

export async function setNotificationPreferences(db: TDb, userId: string, prefs: TNotificationPreferencesRequest): Promise<TNotificationPreferencesRequest> {
  await db.notificationPreferences.upsert({ where: { userId }, create: { userId, ...prefs }, update: prefs });
  return notificationPreferences(db, userId);
}

/** How far back a page asks about results it did not see (a browser tab closed for a week is not flooded). */
export const NOTICE_LOOKBACK_MS = 7 * 24 * 3600_000;

/**
 * The caller's submissions that ended after `since` (at most a week back, newest 20), as the student is shown them:
 * what an open Epoch page turns into browser notifications. Its `now` is the next call's `since`.
 */
export async function resultNotices(db: TDb, userId: string, since: Date, now = new Date()): Promise<TResultNotices> {
  const from = new Date(Math.max(since.getTime(), now.getTime() - NOTICE_LOOKBACK_MS));
  const [prefs, rows] = await Promise.all([
    notificationPreferences(db, userId),
    db.submission.findMany({
      // A result waiting for best-of-k's next seed is told when its series ends (which sets finishedAt then).
      where: {
        userId,
        status: { in: [...NOTIFIED_STATUSES] },
        finishedAt: { gt: from, lte: now },
        OR: [{ result: null }, { result: { is: { pendingSeed: null } } }],
      },
      orderBy: { finishedAt: 'desc' },
      take: 20,
      select: {
        id: true,
        status: true,
        finishedAt: true,
        result: { select: { testAccuracy: true, seedRuns: true, heldOut: true } },
        exercise: {
          select: {
            slug: true,
            title: true,
            course: { select: { slug: true } },
            policy: { select: { deadline: true, latePolicy: true, resultVisibility: true } },
          },
        },
      },
    }),
  ]);
  return {
    browser: prefs.browser,
    now: now.toISOString(),
    notices: rows.map((s) => {
      const hidden = resultHidden(s.exercise.policy ? scheduleOf(s.exercise.policy) : null, 'OWNER', now);
      return {
        submissionId: s.id,
        courseSlug: s.exercise.course.slug,
        exerciseSlug: s.exercise.slug,
        exerciseTitle: s.exercise.title,
        status: shownStatus(s.status, hidden),
        testAccuracy: hidden || !s.result ? null : judgedAccuracy(s.result),
        finishedAt: s.finishedAt!.toISOString(),
      };
    }),
  };
}
