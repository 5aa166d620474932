import { z } from 'zod';
import type { EpochPrismaClient } from '@epoch/db';
import { enqueueOutbox, outboxHandler, type TOutboxHandler } from '../outbox/outbox';
import { outboxMessageId, type TMailSender } from './result-notice';

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
 * Writes deadline reminders into the outbox: for every exercise whose deadline is within the next 24 hours, one per
 * enrolled student who turned reminders on and has not passed it. The key (student, exercise, deadline) makes it once
 * per student per exercise per deadline however often this runs. The deadline is the exercise's policy deadline.
 * Returns how many reminders are new.
 */
export async function writeDeadlineReminders(prisma: EpochPrismaClient, now = new Date()): Promise<number> {
  const policies = await prisma.gradingPolicy.findMany({
    where: { deadline: { gt: now, lte: new Date(now.getTime() + REMINDER_LEAD_MS) }, exercise: { removedAt: null } },
    select: { deadline: true, exercise: { select: { id: true, courseId: true } } },
  });
  let written = 0;
  for (const p of policies) {
    const deadline = p.deadline!;
    const students = await prisma.enrollment.findMany({
      where: {
        courseId: p.exercise.courseId,
        role: 'STUDENT',
        user: {
          deactivatedAt: null,
          notificationPreferences: { reminders: true },
          submissions: { none: { exerciseId: p.exercise.id, status: 'PASSED' } },
        },
      },
      select: { userId: true },
    });
    written += await enqueueOutbox(
      prisma,
      ...students.map((s) => ({
        kind: DEADLINE_REMINDER,
        key: `${DEADLINE_REMINDER}:${s.userId}:${p.exercise.id}:${deadline.toISOString()}`,
        payload: { userId: s.userId, exerciseId: p.exercise.id, deadline: deadline.toISOString() } satisfies TReminderPayload,
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
          select: { slug: true, title: true, course: { select: { slug: true, title: true } }, policy: { select: { deadline: true } } },
        }),
        deps.prisma.submission.count({ where: { userId: p.userId, exerciseId: p.exerciseId, status: 'PASSED' } }),
      ]);
      if (!user || !exercise) return { skipped: 'the student or the exercise no longer exists' };
      if (!user.notificationPreferences?.reminders) return { skipped: 'the student turned reminders off' };
      if (passed > 0) return { skipped: 'the student has passed meanwhile' };
      const deadline = exercise.policy?.deadline;
      if (!deadline || deadline.toISOString() !== p.deadline) return { skipped: 'the deadline changed' };
      if (deadline.getTime() <= Date.now()) return { skipped: 'the deadline has passed' };
      const url = `${deps.publicUrl.replace(/\/$/, '')}/courses/${exercise.course.slug}/exercises/${exercise.slug}`;
      await deps.mailer.send({
        to: user.email,
        subject: `Epoch: "${exercise.title}" is due ${deadline.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        text: [
          `Hello ${user.name},`,
          '',
          `"${exercise.title}" (${exercise.course.title}) is due on ${deadline.toISOString().slice(0, 16).replace('T', ' ')} UTC, and you have not passed it yet.`,
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
