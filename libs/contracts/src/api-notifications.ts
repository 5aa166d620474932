import { z } from 'zod';
import { ZSubmissionStatus } from './api-submissions';

/** What a user wants to be told (GET/PUT /api/me/notification-preferences). */
export const ZNotificationPreferencesRequest = z.strictObject({
  /** E-mail when a result is ready (needs an SMTP server on the server's side). */
  emailOnResult: z.boolean(),
  /** E-mail 24 h before a deadline of an exercise not yet passed. */
  reminders: z.boolean(),
  /** Browser notifications while (or after) an Epoch page is open. */
  browser: z.boolean(),
});
export type TNotificationPreferencesRequest = z.infer<typeof ZNotificationPreferencesRequest>;

export const ZNotificationPreferences = ZNotificationPreferencesRequest.extend({
  /** Whether this server can send e-mail at all (EPOCH_SMTP_URL set). */
  emailAvailable: z.boolean(),
});
export type TNotificationPreferences = z.infer<typeof ZNotificationPreferences>;

/** A submission of the caller's that ended (GET /api/me/result-notices?since=ISO): what a browser notification says. */
export const ZResultNotice = z.object({
  submissionId: z.string(),
  courseSlug: z.string(),
  exerciseSlug: z.string(),
  exerciseTitle: z.string(),
  /** As the student is shown it (GRADED while results are hidden until the deadline). */
  status: ZSubmissionStatus,
  testAccuracy: z.number().nullable(),
  finishedAt: z.iso.datetime(),
});
export type TResultNotice = z.infer<typeof ZResultNotice>;

export const ZResultNotices = z.object({
  /** Whether the user wants browser notifications (the preference). */
  browser: z.boolean(),
  notices: z.array(ZResultNotice),
  /** The server's time of this answer: the next `since`. */
  now: z.iso.datetime(),
});
export type TResultNotices = z.infer<typeof ZResultNotices>;
