import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** BullMQ job states whose counts make up the queue depth (KEDA scales on `wait`; the others help dashboards). */
export const QUEUE_STATES = ['wait', 'active', 'delayed', 'prioritized'] as const;
export type TQueueState = (typeof QUEUE_STATES)[number];

/** Why a job failed: `student` (NaN loss, model too large: not retried) or `infrastructure` (retried, then ERROR). */
export type TFailureKind = 'student' | 'infrastructure';

/** Returns the current number of jobs per state; read at every scrape (e.g. `queue.getJobCounts(...QUEUE_STATES)`). */
export type QueueDepthSource = () => Promise<Partial<Record<TQueueState, number>>>;

export interface GraderMetrics {
  registry: Registry;
  /** `epoch_grader_queue_depth{state}`: jobs in the grading queue per state, as seen by this worker. */
  queueDepth: Gauge<'state'>;
  /** `epoch_grader_job_duration_seconds{outcome,backend}`: wall time of one grading job (train + evaluate + store). */
  jobDuration: Histogram<'outcome' | 'backend'>;
  /** `epoch_grader_job_failures_total{kind}`. */
  failures: Counter<'kind'>;
  /** `epoch_grader_images_per_second{backend}`: training throughput of the last epoch on this worker. */
  imagesPerSecond: Gauge<'backend'>;
}

export interface GraderMetricsOptions {
  /** When given, the queue-depth gauge is refreshed from it at every scrape. */
  queueDepth?: QueueDepthSource;
  /** How long a scrape waits for the queue depth (ioredis queues commands while Redis is down); default 2000 ms. */
  queueDepthTimeoutMs?: number;
  /** Node process metrics (CPU, memory, event loop lag); on by default. */
  processMetrics?: boolean;
  /** Labels added to every series (e.g. `{ worker: config.EPOCH_WORKER_ID }`). */
  defaultLabels?: Record<string, string>;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

// Grading a model3 submission takes minutes (30 epochs) on a GPU and up to hours on CPU: buckets span both.
const DURATION_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400];

/** A registry with the grader's metrics. Nothing is global: tests and several workers in one process stay apart. */
export function createGraderMetrics(options: GraderMetricsOptions = {}): GraderMetrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'epoch_grader_' });

  const source = options.queueDepth;
  const timeoutMs = options.queueDepthTimeoutMs ?? 2000;
  const queueDepthErrors = new Counter({
    name: 'epoch_grader_queue_depth_errors_total',
    help: 'Scrapes at which the queue depth could not be read from Redis',
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: 'epoch_grader_queue_depth',
    help: 'Jobs in the grading queue per state (wait, active, delayed, prioritized)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      if (!source) return;
      // A failed read must not break the whole scrape: the gauge keeps its last values and the error is counted.
      try {
        const counts = await withTimeout(source(), timeoutMs);
        for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
      } catch {
        queueDepthErrors.inc();
      }
    },
  });
  const jobDuration = new Histogram({
    name: 'epoch_grader_job_duration_seconds',
    help: 'Wall time of one grading job, by outcome (passed, failed, error) and training backend',
    labelNames: ['outcome', 'backend'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'epoch_grader_job_failures_total',
    help: 'Grading jobs that failed, by kind (student: not retried; infrastructure: retried, then ERROR)',
    labelNames: ['kind'],
    registers: [registry],
  });
  const imagesPerSecond = new Gauge({
    name: 'epoch_grader_images_per_second',
    help: 'Training throughput of the last completed epoch on this worker, by backend',
    labelNames: ['backend'],
    registers: [registry],
  });
  return { registry, queueDepth, jobDuration, failures, imagesPerSecond };
}

export interface MetricsServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * A tiny HTTP server: `GET /metrics` (Prometheus text format) and `GET /healthz` (liveness, for container health
 * checks and Kubernetes probes). Resolves once listening; rejects with a clear message when the port is taken.
 */
export function startMetricsServer(port: number, registry: Registry, host = '0.0.0.0'): Promise<MetricsServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return Promise.reject(new RangeError(`metrics server: port must be an integer from 0 to 65535, got ${String(port)}`));
  }
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/healthz') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try /metrics or /healthz\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(body);
      },
      (e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics collection failed: ${e instanceof Error ? e.message : String(e)}\n`);
      },
    );
  });
  return new Promise<MetricsServer>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new Error(`metrics server: cannot listen on ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is already in use' : e.message}`));
    });
    server.listen(port, host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((e) => (e ? fail(e) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
