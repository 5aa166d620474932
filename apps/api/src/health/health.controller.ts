import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { TAccounts } from '@epoch/accounts';
import { ACCOUNTS, API_CONFIG, GRADING_QUEUE, REDIS, type TApiConfig } from '../config';
import { gradingJobCounts, liveWorkers, type TGradingQueues } from '@epoch/grading';
import { Public } from '../auth/auth-context';
import { withTimeout } from '../http/with-timeout';

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: { postgres: CheckResult; redis: CheckResult };
}
interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

async function timed(fn: () => Promise<unknown>): Promise<CheckResult> {
  const t = performance.now();
  try {
    await fn();
    return { ok: true, ms: Math.round(performance.now() - t) };
  } catch (e) {
    return { ok: false, ms: Math.round(performance.now() - t), error: e instanceof Error ? e.message : String(e) };
  }
}

@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(ACCOUNTS) private readonly accounts: TAccounts,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GRADING_QUEUE) private readonly queues: TGradingQueues,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
  ) {}

  /** 200 when Postgres and Redis both answer; 503 with the same report otherwise. */
  @Public()
  @Get()
  async health(): Promise<HealthReport> {
    const [postgres, redis] = await Promise.all([
      timed(() => withTimeout(this.accounts.pingDatabase(), 2000)),
      timed(() => withTimeout(this.redis.ping(), 2000)),
    ]);
    const report: HealthReport = { status: postgres.ok && redis.ok ? 'ok' : 'degraded', checks: { postgres, redis } };
    if (report.status !== 'ok') throw new HttpException(report, HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  /**
   * Readiness: health plus the grading queues' depth and the graders alive (and how many serve the GPU queue). Ready (200) when Postgres and Redis
   * answer; submissions are accepted without a live grader (they wait in the queue), so `workers: 0` is a warning.
   */
  @Public()
  @Get('ready')
  async ready(): Promise<HealthReport & { queue: Record<string, number> | null; workers: number | null; gpuWorkers: number | null; warnings: string[] }> {
    const [postgres, redis] = await Promise.all([
      timed(() => withTimeout(this.accounts.pingDatabase(), 2000)),
      timed(() => withTimeout(this.redis.ping(), 2000)),
    ]);
    const queue = redis.ok ? await withTimeout(gradingJobCounts(this.queues, 'waiting', 'active', 'delayed', 'failed'), 2000).catch(() => null) : null;
    const live = redis.ok ? await withTimeout(liveWorkers(this.redis, this.config.EPOCH_QUEUE_PREFIX), 2000).catch(() => null) : null;
    const workers = live?.total ?? null;
    const warnings = workers === 0 ? ['no grader is alive: submissions wait in the queue'] : [];
    const report = {
      status: postgres.ok && redis.ok ? ('ok' as const) : ('degraded' as const),
      checks: { postgres, redis },
      queue,
      workers,
      gpuWorkers: live?.gpu ?? null,
      warnings,
    };
    if (report.status !== 'ok') throw new HttpException(report, HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
