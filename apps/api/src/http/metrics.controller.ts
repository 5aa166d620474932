import { Controller, Get, Header, Inject } from '@nestjs/common';
import { METRICS } from '../config';
import { Public } from '../auth/auth-context';
import type { ApiMetrics } from './metrics';

/** Prometheus scrape endpoint (request counts and durations, grading queue depth, process metrics). */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: ApiMetrics) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
