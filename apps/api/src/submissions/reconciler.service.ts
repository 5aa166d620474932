import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EpochPrismaClient } from '@epoch/db';
import { API_CONFIG, GRADING_QUEUE, LOGGER, PRISMA, type TApiConfig } from '../config';
import type { GradingQueue } from '../app.module';
import { SubmissionsService } from './submissions.service';

/**
 * Postgres is the record, the queue a copy: a submission is stored QUEUED before it is enqueued, so a crash or a Redis
 * outage in between leaves it QUEUED with no job. Every few seconds this re-enqueues such submissions (jobId = the
 * submission id, so several API processes doing it at once still make one job).
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(GRADING_QUEUE) private readonly queue: GradingQueue,
    @Inject(SubmissionsService) private readonly submissions: SubmissionsService,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.EPOCH_RECONCILE_SECONDS;
    if (seconds === 0) return;
    this.timer = setInterval(() => {
      this.reconcile().catch((e: unknown) => this.log.warn({ err: e }, 'reconcile failed'));
    }, seconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Re-enqueues QUEUED submissions (older than a few seconds, so in-flight POSTs are left alone) without a job. */
  async reconcile(): Promise<string[]> {
    if (this.running) return [];
    this.running = true;
    try {
      const stale = await this.prisma.submission.findMany({
        where: { status: 'QUEUED', queuedAt: { lt: new Date(Date.now() - 5_000) } },
        select: { id: true }, orderBy: { queuedAt: 'asc' }, take: 500,
      });
      const requeued: string[] = [];
      for (const { id } of stale) {
        if (await this.queue.getJob(id)) continue;
        await this.submissions.enqueue(id);
        requeued.push(id);
      }
      if (requeued.length) this.log.warn({ count: requeued.length, ids: requeued.slice(0, 20) }, 're-enqueued QUEUED submissions the queue did not hold');
      return requeued;
    } finally {
      this.running = false;
    }
  }
}
