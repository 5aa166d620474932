import type { EpochPrismaClient } from '@epoch/db';
import type { TMailer } from '@epoch/accounts';
import { DEADLINE_REMINDER, reminderEmailHandler, RESULT_EMAIL, resultEmailHandler, type TOutboxHandlers } from '@epoch/grading';

/**
 * The outbox's handler registry: every kind of message the dispatcher delivers, and who delivers it. A new kind (e.g. a
 * grade passback) is one more line here and an `enqueueOutbox(tx, { kind, key, payload })` in the transaction that
 * causes it.
 */
export function outboxHandlers(deps: { prisma: EpochPrismaClient; mailer: TMailer | null; publicUrl: string }): TOutboxHandlers {
  return {
    [RESULT_EMAIL]: resultEmailHandler(deps),
    [DEADLINE_REMINDER]: reminderEmailHandler(deps),
  };
}
