import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createPrismaClient } from '@epoch/db';
import { clearHeartbeat, gradingJobCounts, servedQueues, startReconciler, writeHeartbeat, type TGradingQueues } from '@epoch/grading';
import { ChildPool } from './child/child-pool';
import { childEntry } from './child/training-child';
import { GraderConfigError, loadGraderConfig } from './config';
import { createGraderMetrics, QUEUE_STATES, startMetricsServer, type MetricsServer } from './metrics';
import { createGradingWorker, type TGradingWorker } from './worker';

/**
 * The grader worker: validate config, start the first training child (which chooses the training backend, tried for
 * real; every job then trains in a fresh child on the same backend), take grading jobs from the queue, advertise
 * itself with a heartbeat key (backend, threads, versions), re-enqueue lost submissions (reconciler) and, on
 * SIGTERM/SIGINT, stop taking jobs and hand a running one back to the queue. This process never trains: its event
 * loop stays free for the queue's locks, the heartbeat and the database, and an outage of Postgres or Redis is waited
 * out, never fatal.
 */
async function boot(): Promise<void> {
  const config = loadGraderConfig();
  const log = pino({ name: 'grader', level: config.LOG_LEVEL });
  // Nothing may end the grader by surprise: a promise rejected without a handler is a bug to log, not a reason to exit.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection (a bug: please report it); the grader goes on'));
  const pool = new ChildPool({
    entry: childEntry(),
    limits: {
      memoryBytes: config.EPOCH_GRADER_MEMORY_MB * 1024 ** 2,
      ...(config.EPOCH_GRADER_ADDRESS_SPACE_MB ? { addressSpaceBytes: config.EPOCH_GRADER_ADDRESS_SPACE_MB * 1024 ** 2 } : {}),
    },
    ...(config.EPOCH_BACKEND ? { backend: config.EPOCH_BACKEND } : {}),
    ...(config.EPOCH_WASM_THREADS ? { threads: config.EPOCH_WASM_THREADS } : {}),
    spare: config.EPOCH_GRADER_SPARE_CHILD,
    log,
  });
  let backend;
  try {
    backend = await pool.start();
  } catch (e) {
    throw new Error(`the training backend could not be started: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (backend.warning) log.warn(backend.warning);
  log.info(
    { backend: backend.name, threads: backend.threads, versions: backend.versions, memoryLimitMb: config.EPOCH_GRADER_MEMORY_MB },
    'training backend selected (each job trains in a fresh child process)',
  );

  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  let redisDown = false;
  connection.on('error', (e) => {
    if (!redisDown) log.warn({ err: e }, 'Redis is unavailable; the queue, the locks and the heartbeat wait until it is back');
    redisDown = true;
  });
  connection.on('ready', () => {
    if (redisDown) log.info('Redis is back');
    redisDown = false;
  });
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
  const grading: TGradingWorker = createGradingWorker({ config, prisma, connection, backend, pool, log, metrics, served });
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
