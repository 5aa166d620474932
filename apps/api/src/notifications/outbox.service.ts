import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EpochPrismaClient } from '@epoch/db';
import type { TMailer } from '@epoch/accounts';
import { startOutboxDispatcher, writeDeadlineReminders, type TOutboxDispatcher } from '@epoch/grading';
import { API_CONFIG, LOGGER, MAILER, PRISMA, type TApiConfig } from '../config';
import { outboxHandlers } from './outbox-handlers';
import { syncAllRosters } from '../lti/lti-roster';

/**
 * Runs the outbox dispatcher in the API process (every API process may: BullMQ and the rows' claims share the work):
 * delivers result e-mails and deadline reminders written by the lifecycle and by the reminder job, which it also runs
 * (every EPOCH_REMINDER_CHECK_SECONDS). EPOCH_OUTBOX_DISPATCHER=0 turns it off in this process.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private dispatcher: TOutboxDispatcher | undefined;

  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(MAILER) private readonly mailer: TMailer | null,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Starts the dispatcher; it does not hold up the API's start (with Redis away, it waits for Redis by itself). */
  onApplicationBootstrap(): void {
    const c = this.config;
    if (!c.EPOCH_OUTBOX_DISPATCHER) return;
    if (!this.mailer) this.log.info('outbox: no SMTP server configured (EPOCH_SMTP_URL): e-mail notifications are skipped');
    this.dispatcher = startOutboxDispatcher({
      prisma: this.prisma,
      redisUrl: c.REDIS_URL,
      prefix: c.EPOCH_QUEUE_PREFIX,
      handlers: outboxHandlers({ prisma: this.prisma, mailer: this.mailer, publicUrl: c.EPOCH_PUBLIC_URL }),
      sweepEveryMs: c.EPOCH_OUTBOX_SWEEP_MS,
      attempts: c.EPOCH_OUTBOX_ATTEMPTS,
      backoffMs: c.EPOCH_OUTBOX_BACKOFF_MS,
      periodic: [
        ...(c.EPOCH_REMINDER_CHECK_SECONDS > 0
          ? [{ name: 'deadline-reminders', everyMs: c.EPOCH_REMINDER_CHECK_SECONDS * 1000, run: () => writeDeadlineReminders(this.prisma) }]
          : []),
        ...(c.EPOCH_LTI_ROSTER_SYNC_SECONDS > 0
          ? [{ name: 'lti-roster-sync', everyMs: c.EPOCH_LTI_ROSTER_SYNC_SECONDS * 1000, run: () => syncAllRosters(this.prisma, this.log) }]
          : []),
      ],
      log: this.log,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher?.close();
  }
}
