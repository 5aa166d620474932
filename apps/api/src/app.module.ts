import { Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { createPrismaClient, type EpochPrismaClient } from '@epoch/db';
import { bindAccounts, createMailer, type TMailer } from '@epoch/accounts';
import { createArtifactStore } from '@epoch/artifacts';
import { defaultDataDir } from '@epoch/datasets';
import { closeGradingQueues, gradingJobCounts, openGradingQueues, type TGradingDeps, type TGradingQueues } from '@epoch/grading';
import { ACCOUNTS, API_CONFIG, GRADING_DEPS, GRADING_QUEUE, LOGGER, MAILER, METRICS, PRISMA, REDIS, type TApiConfig } from './config';
import { CourseMembersController } from './courses/course-members.controller';
import { CourseContentController } from './content/course-content.controller';
import { HealthController } from './health/health.controller';
import { CoursesController } from './courses/courses.controller';
import { LessonFiguresController } from './courses/lesson-figures.controller';
import { LessonFiguresService } from './courses/lesson-figures.service';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { SessionService } from './auth/session.service';
import { LoginLimiter } from './auth/login-limiter';
import { AdminController } from './admin/admin.controller';
import { AccessService } from './access/access.service';
import { ExercisesController } from './exercises/exercises.controller';
import { SubmissionsController } from './submissions/submissions.controller';
import { ResultsController } from './submissions/results.controller';
import { ClassResultsController } from './class-results/class-results.controller';
import { ScheduleController } from './schedule/schedule.controller';
import { OpenApiController } from './openapi/openapi.controller';
import { ReconcilerService } from './submissions/reconciler.service';
import { OutboxService } from './notifications/outbox.service';
import { NotificationsController } from './notifications/notifications.controller';
import { AttemptsController } from './class-results/attempts.controller';
import { OverviewController } from './class-results/overview.controller';
import { LiveStreams } from './submissions/live-streams';
import { MetricsController } from './http/metrics.controller';
import { InternalMetricsServer } from './http/metrics-server';
import { ApiMetrics } from './http/metrics';
import { withTimeout } from './http/with-timeout';

class Shutdown implements OnApplicationShutdown {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GRADING_QUEUE) private readonly queues: TGradingQueues,
    @Inject(MAILER) private readonly mailer: TMailer | null,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    this.mailer?.close();
    await Promise.allSettled([closeGradingQueues(this.queues), this.prisma.$disconnect(), this.redis.quit()]);
  }
}

function quietRedis(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  // Connection errors surface in /api/health; without a listener ioredis prints each retry to stderr.
  redis.on('error', () => undefined);
  return redis;
}

@Module({})
export class AppModule {
  static forConfig(config: TApiConfig, log: Logger = pino({ name: 'api', level: config.LOG_LEVEL })): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        HealthController,
        CoursesController,
        LessonFiguresController,
        AuthController,
        AdminController,
        CourseMembersController,
        CourseContentController,
        ExercisesController,
        SubmissionsController,
        ResultsController,
        ClassResultsController,
        ScheduleController,
        NotificationsController,
        AttemptsController,
        OverviewController,
        OpenApiController,
        // With an internal metrics port the public one has no /metrics (InternalMetricsServer serves it there).
        ...(config.EPOCH_API_METRICS_PORT === undefined ? [MetricsController] : []),
      ],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: LOGGER, useValue: log },
        { provide: PRISMA, useFactory: () => createPrismaClient(config.DATABASE_URL) },
        { provide: ACCOUNTS, inject: [PRISMA], useFactory: (prisma: EpochPrismaClient) => bindAccounts(prisma) },
        { provide: MAILER, useFactory: () => (config.EPOCH_SMTP_URL ? createMailer(config.EPOCH_SMTP_URL, config.EPOCH_MAIL_FROM) : null) },
        { provide: REDIS, useFactory: () => quietRedis(config.REDIS_URL) },
        {
          provide: GRADING_QUEUE,
          useFactory: (): TGradingQueues => {
            const queues = openGradingQueues(quietRedis(config.REDIS_URL), config.EPOCH_QUEUE_PREFIX);
            for (const q of Object.values(queues)) q.on('error', (e) => log.warn({ err: e, queue: q.name }, 'grading queue connection error'));
            return queues;
          },
        },
        {
          provide: GRADING_DEPS,
          inject: [PRISMA, GRADING_QUEUE, REDIS],
          useFactory: (prisma: EpochPrismaClient, queues: TGradingQueues, redis: Redis): TGradingDeps => ({
            prisma,
            queues,
            redis,
            queuePrefix: config.EPOCH_QUEUE_PREFIX,
            gpuMinWorkMacs: config.EPOCH_GPU_MIN_WORK_MACS,
            log,
            rejectedLimit: { max: config.EPOCH_REJECTED_LIMIT, windowSeconds: config.EPOCH_REJECTED_WINDOW_SECONDS },
            artifacts: createArtifactStore(config, defaultDataDir({ EPOCH_DATA_DIR: config.EPOCH_DATA_DIR })),
          }),
        },
        {
          provide: METRICS,
          inject: [GRADING_QUEUE],
          // With Redis down BullMQ waits for the connection indefinitely: /metrics answers without the queue gauge instead.
          useFactory: (queues: TGradingQueues) =>
            new ApiMetrics(() => withTimeout(gradingJobCounts(queues, 'waiting', 'active', 'delayed', 'failed', 'completed'), 1000)),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        SessionService,
        LoginLimiter,
        AccessService,
        ReconcilerService,
        OutboxService,
        LiveStreams,
        LessonFiguresService,
        InternalMetricsServer,
        Shutdown,
      ],
    };
  }
}
