import { Counter, Histogram, Registry, Gauge, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one API process (a registry per app, so tests can build several). */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'epoch_api_requests_total',
    help: 'HTTP requests',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'epoch_api_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(queueDepth: () => Promise<Record<string, number>>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'epoch_api_' });
    new Gauge({
      name: 'epoch_grading_queue_jobs',
      help: 'Jobs in the grading queue by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await queueDepth().catch(() => ({}));
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.duration.observe({ method, route }, seconds);
  }
}
