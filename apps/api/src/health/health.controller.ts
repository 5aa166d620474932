import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { EpochPrismaClient } from '@epoch/db';
import { PRISMA, REDIS } from '../config';

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: { postgres: CheckResult; redis: CheckResult };
}
interface CheckResult { ok: boolean; ms: number; error?: string }

async function timed(fn: () => Promise<unknown>): Promise<CheckResult> {
  const t = performance.now();
  try {
    await fn();
    return { ok: true, ms: Math.round(performance.now() - t) };
  } catch (e) {
    return { ok: false, ms: Math.round(performance.now() - t), error: e instanceof Error ? e.message : String(e) };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}

@Controller('api/health')
export class HealthController {
  constructor(@Inject(PRISMA) private readonly prisma: EpochPrismaClient, @Inject(REDIS) private readonly redis: Redis) {}

  /** 200 when Postgres and Redis both answer; 503 with the same report otherwise. */
  @Get()
  async health(): Promise<HealthReport> {
    const [postgres, redis] = await Promise.all([
      timed(() => withTimeout(this.prisma.$queryRaw`select 1`, 2000)),
      timed(() => withTimeout(this.redis.ping(), 2000)),
    ]);
    const report: HealthReport = { status: postgres.ok && redis.ok ? 'ok' : 'degraded', checks: { postgres, redis } };
    if (report.status !== 'ok') throw new HttpException(report, HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
