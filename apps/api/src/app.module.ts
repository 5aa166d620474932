import { Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { Redis } from 'ioredis';
import { createPrismaClient, type EpochPrismaClient } from '@epoch/db';
import { API_CONFIG, PRISMA, REDIS, type TApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { CoursesController } from './courses/courses.controller';

class Shutdown implements OnApplicationShutdown {
  constructor(@Inject(PRISMA) private readonly prisma: EpochPrismaClient, @Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.prisma.$disconnect(), this.redis.quit()]);
  }
}

@Module({})
export class AppModule {
  static forConfig(config: TApiConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController, CoursesController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: PRISMA, useFactory: () => createPrismaClient(config.DATABASE_URL) },
        {
          provide: REDIS,
          useFactory: () => {
            const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
            // Connection errors surface in /api/health; without a listener ioredis prints each retry to stderr.
            redis.on('error', () => undefined);
            return redis;
          },
        },
        Shutdown,
      ],
    };
  }
}
