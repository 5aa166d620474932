import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createPrismaClient } from '@epoch/db';
import { clearHeartbeat, gradingJobCounts, servedQueues, startReconciler, writeHeartbeat, type TGradingQueues } from '@epoch/grading';
import { selectBackend } from '@epoch/trainer';
import { GraderConfigError, loadGraderConfig } from './config';
import { createGraderMetrics, QUEUE_STATES, startMetricsServer, type MetricsServer } from './metrics';
import { createGradingWorker, type TGradingWorker } from './worker';

/**
 * The grader worker: validate config, choose the training backend (tried for real), take grading jobs from the queue,
 * advertise itself with a heartbeat key (backend, threads, versions), re-enqueue lost submissions (reconciler) and,
 * on SIGTERM/SIGINT, stop taking jobs and hand a running one back to the queue.
 */
async function boot(): Promise<void> {
  const config = loadGraderConfig();
  const log = pino({ name: 'grader', level: config.LOG_LEVEL });
  const backend = await selectBackend({ backend: config.EPOCH_BACKEND, threads: config.EPOCH_WASM_THREADS, log: (line) => log.info(line) });
  log.info({ backend: backend.name, threads: backend.threads, versions: backend.versions }, 'training backend selected');

  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const prisma = createPrismaClient(config.DATABASE_URL);
  let queues: TGradingQueues | null = null;
  const metrics = createGraderMetrics({
    defaultLabels: { worker: config.EPOCH_WORKER_ID },
    queueDepth: () => (queues ? gradingJobCounts(queues, ...QUEUE_STATES) : Promise.resolve({})),
  });
  let served: ReturnType<typeof servedQueues>;
  try {
    served = servedQueues(config.EPOCH_GRADER_QUEUES, backend.name);
  } catch (e) {
    throw new GraderConfigError(`grader: invalid configuration:\n  ${e instanceof Error ? e.message : String(e)}`);
  }
  const grading: TGradingWorker = createGradingWorker({ config, prisma, connection, backend, log, metrics, served });
  queues = grading.queues;
  await Promise.all(served.map((k) => grading.queues[k].waitUntilReady()));
  let metricsServer: MetricsServer | null = null;
  if (config.EPOCH_GRADER_METRICS_PORT !== undefined) {
    metricsServer = await startMetricsServer(config.EPOCH_GRADER_METRICS_PORT, metrics.registry);
    log.info({ port: metricsServer.port }, 'metrics on /metrics');
  }

  const since = Date.now();
  const beat = () =>
    writeHeartbeat(connection, config.EPOCH_QUEUE_PREFIX, {
      worker: config.EPOCH_WORKER_ID,
      backend: backend.name,
      threads: backend.threads,
      queues: served,
      since,
    });
  await beat();
  const timer = setInterval(() => {
    beat().catch((e: unknown) => log.warn({ err: e }, 'heartbeat failed'));
  }, 10_000);
  const stopReconciler =
    config.EPOCH_GRADER_RECONCILE_MS > 0
      ? startReconciler(prisma, grading.queues, config.EPOCH_GRADER_RECONCILE_MS, {
          graceMs: config.EPOCH_GRADER_RECONCILE_GRACE_MS,
          log,
          heartbeats: { redis: connection, prefix: config.EPOCH_QUEUE_PREFIX },
          gpuMinWorkMacs: config.EPOCH_GPU_MIN_WORK_MACS,
        })
      : () => undefined;

  grading.run();
  log.info({ queues: served, prefix: config.EPOCH_QUEUE_PREFIX, worker: config.EPOCH_WORKER_ID }, 'connected to the grading queues');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new jobs; a running job goes back to the queue');
    clearInterval(timer);
    stopReconciler();
    const forced = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 20_000);
    forced.unref();
    grading
      .close()
      .then(() => clearHeartbeat(connection, config.EPOCH_QUEUE_PREFIX, config.EPOCH_WORKER_ID))
      .then(() => metricsServer?.close())
      .then(() => prisma.$disconnect())
      .then(() => {
        connection.disconnect();
        process.exit(0);
      })
      .catch((e: unknown) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

boot().catch((e: unknown) => {
  if (e instanceof GraderConfigError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`grader: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
