import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { EpochPrismaClient } from '@epoch/db';
import { GRADING_QUEUE, PRISMA, REDIS } from '../config';
import type { GradingQueue } from '../app.module';
import { ProgressService } from '../submissions/progress.service';
import { Public } from '../auth/auth-context';

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
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GRADING_QUEUE) private readonly queue: GradingQueue,
    @Inject(ProgressService) private readonly progress: ProgressService,
  ) {}

  /** 200 when Postgres and Redis both answer; 503 with the same report otherwise. */
  @Public()
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

  /**
   * Readiness: health plus the grading queue's depth and the graders alive. Ready (200) when Postgres and Redis
   * answer; submissions are accepted without a live grader (they wait in the queue), so `workers: 0` is a warning.
   */
  @Public()
  @Get('ready')
  async ready(): Promise<HealthReport & { queue: Record<string, number> | null; workers: number | null; warnings: string[] }> {
    const [postgres, redis] = await Promise.all([
      timed(() => withTimeout(this.prisma.$queryRaw`select 1`, 2000)),
      timed(() => withTimeout(this.redis.ping(), 2000)),
    ]);
    const queue = redis.ok ? await withTimeout(this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), 2000).catch(() => null) : null;
    const workers = redis.ok ? await withTimeout(this.progress.workers(), 2000).catch(() => null) : null;
    const warnings = workers === 0 ? ['no grader is alive: submissions wait in the queue'] : [];
    const report = { status: postgres.ok && redis.ok ? 'ok' as const : 'degraded' as const, checks: { postgres, redis }, queue, workers, warnings };
    if (report.status !== 'ok') throw new HttpException(report, HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
