import { createServer, type Server } from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { API_CONFIG, LOGGER, METRICS, type TApiConfig } from '../config';
import type { ApiMetrics } from './metrics';

/**
 * With EPOCH_API_METRICS_PORT set, `/metrics` is served here, on a port of its own that deployments leave unpublished
 * (and that only Prometheus may reach), instead of on the public port: request counts, queue depth and process
 * figures are nobody else's business. Anything but `GET /metrics` is a 404.
 */
@Injectable()
export class InternalMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;

  constructor(
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(METRICS) private readonly metrics: ApiMetrics,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.EPOCH_API_METRICS_PORT;
    if (port === undefined) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('only /metrics here\n');
        return;
      }
      this.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
        (e: unknown) => {
          this.log.warn({ err: e }, 'metrics: scrape failed');
          res.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.EPOCH_API_HOST, () => resolve());
    });
    this.server = server;
    this.log.info({ port, host: this.config.EPOCH_API_HOST }, 'metrics listening (internal port)');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
