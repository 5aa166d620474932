import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EpochPrismaClient } from '@epoch/db';
import { reconcileQueue, startReconciler, type TGradingQueues, type TReconcileOptions, type TReconcileReport } from '@epoch/grading';
import { API_CONFIG, GRADING_QUEUE, LOGGER, PRISMA, REDIS, type TApiConfig } from '../config';

/**
 * Postgres is the record, the queues a copy: a submission is stored QUEUED before it is enqueued, so a crash or a
 * Redis outage in between leaves it QUEUED with no job. Every few seconds this repairs the queues with
 * @epoch/grading's reconciler (the graders run the same one): jobs re-added with jobId = submission id, so several
 * API processes doing it at once still make one job; jobs stranded in the GPU queue without a GPU grader moved.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private stop: (() => void) | undefined;

  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(GRADING_QUEUE) private readonly queues: TGradingQueues,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  private options(): TReconcileOptions {
    // Submissions younger than a few seconds are left alone: their POST may be enqueueing them right now.
    return {
      graceMs: 5_000,
      heartbeats: { redis: this.redis, prefix: this.config.EPOCH_QUEUE_PREFIX },
      gpuMinWorkMacs: this.config.EPOCH_GPU_MIN_WORK_MACS,
      log: this.log,
    };
  }

  onApplicationBootstrap(): void {
    const seconds = this.config.EPOCH_RECONCILE_SECONDS;
    if (seconds > 0) this.stop = startReconciler(this.prisma, this.queues, seconds * 1000, this.options());
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** One pass now. */
  reconcile(): Promise<TReconcileReport> {
    return reconcileQueue(this.prisma, this.queues, this.options());
  }
}
