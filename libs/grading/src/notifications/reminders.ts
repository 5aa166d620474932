import { z } from 'zod';
import type { EpochPrismaClient } from '@epoch/db';
import { enqueueOutbox, outboxHandler, type TOutboxHandler } from '../outbox/outbox';
import { outboxMessageId, type TMailSender } from './result-notice';
import { effectiveDeadline, effectiveDeadlines } from '../use-cases/schedule';

/** The outbox kind of a deadline reminder e-mail. */
export const DEADLINE_REMINDER = 'deadline-reminder';
/** How long before a deadline students are reminded. */
export const REMINDER_LEAD_MS = 24 * 3600_000;

export const ZReminderPayload = z.object({
  userId: z.string().min(1),
  exerciseId: z.string().min(1),
  /** The deadline reminded of (ISO); the key includes it, so a moved deadline is reminded of again. */
  deadline: z.iso.datetime(),
});
export type TReminderPayload = z.infer<typeof ZReminderPayload>;

/**
 * Writes deadline reminders into the outbox: one per enrolled student whose effective deadline (the exercise's, or
 * their extension's: effectiveDeadlines) is within the next 24 hours, who turned reminders on and has not passed the
 * exercise. The key (student, exercise, deadline) makes it once per student per exercise per deadline however often
 * this runs; an extension to a new deadline is reminded of again. Returns how many reminders are new.
 */
export async function writeDeadlineReminders(prisma: EpochPrismaClient, now = new Date()): Promise<number> {
  const window = { gt: now, lte: new Date(now.getTime() + REMINDER_LEAD_MS) };
  const exercises = await prisma.exercise.findMany({
    where: { removedAt: null, OR: [{ policy: { deadline: window } }, { studentExceptions: { some: { deadline: window } } }] },
    select: { id: true },
  });
  let written = 0;
  for (const { id: exerciseId } of exercises) {
    const deadlines = await effectiveDeadlines(prisma, exerciseId);
    const due = [...deadlines].filter(([, d]) => d !== null && d > window.gt && d <= window.lte) as [string, Date][];
    if (due.length === 0) continue;
    const wanting = await prisma.user.findMany({
      where: {
        id: { in: due.map(([u]) => u) },
        deactivatedAt: null,
        notificationPreferences: { reminders: true },
        submissions: { none: { exerciseId, kind: 'GRADED', status: 'PASSED' } },
      },
      select: { id: true },
    });
    const wants = new Set(wanting.map((u) => u.id));
    written += await enqueueOutbox(
      prisma,
      ...due
        .filter(([u]) => wants.has(u))
        .map(([userId, deadline]) => ({
          kind: DEADLINE_REMINDER,
          key: `${DEADLINE_REMINDER}:${userId}:${exerciseId}:${deadline.toISOString()}`,
          payload: { userId, exerciseId, deadline: deadline.toISOString() } satisfies TReminderPayload,
        })),
    );
  }
  return written;
}

/**
 * Delivers DEADLINE_REMINDER messages. Skipped, with why, when no SMTP server is configured, the student turned
 * reminders off or passed meanwhile, or the deadline moved or passed (a moved deadline gets its own reminder).
 */
export function reminderEmailHandler(deps: { prisma: EpochPrismaClient; mailer: TMailSender | null; publicUrl: string }): TOutboxHandler<never> {
  return outboxHandler({
    payload: ZReminderPayload,
    deliver: async (p: TReminderPayload, ctx) => {
      if (!deps.mailer) return { skipped: 'no SMTP server is configured (EPOCH_SMTP_URL)' };
      const [user, exercise, passed] = await Promise.all([
        deps.prisma.user.findUnique({ where: { id: p.userId }, select: { email: true, name: true, notificationPreferences: { select: { reminders: true } } } }),
        deps.prisma.exercise.findUnique({
          where: { id: p.exerciseId },
          select: { slug: true, title: true, course: { select: { slug: true, title: true, timeZone: true } } },
        }),
        deps.prisma.submission.count({ where: { userId: p.userId, exerciseId: p.exerciseId, status: 'PASSED' } }),
      ]);
      if (!user || !exercise) return { skipped: 'the student or the exercise no longer exists' };
      if (!user.notificationPreferences?.reminders) return { skipped: 'the student turned reminders off' };
      if (passed > 0) return { skipped: 'the student has passed meanwhile' };
      const deadline = await effectiveDeadline(deps.prisma, p.exerciseId, p.userId);
      if (!deadline || deadline.toISOString() !== p.deadline) return { skipped: 'the deadline changed' };
      if (deadline.getTime() <= Date.now()) return { skipped: 'the deadline has passed' };
      const due = `${new Intl.DateTimeFormat('en-GB', { timeZone: exercise.course.timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(deadline)} (${exercise.course.timeZone})`;
      const url = `${deps.publicUrl.replace(/\/$/, '')}/courses/${exercise.course.slug}/exercises/${exercise.slug}`;
      await deps.mailer.send({
        to: user.email,
        subject: `Epoch: "${exercise.title}" is due ${due}`,
        text: [
          `Hello ${user.name},`,
          '',
          `"${exercise.title}" (${exercise.course.title}) is due on ${due}, and you have not passed it yet.`,
          '',
          `Open the exercise: ${url}`,
          '',
          'You get this reminder because you turned deadline reminders on; turn them off on your notification preferences page.',
        ].join('\n'),
        messageId: outboxMessageId(ctx.key, deps.publicUrl),
      });
      return { sent: true };
    },
  });
}
