import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { QueueName, WORKER_HEARTBEAT_PREFIX } from '@epoch/contracts';
import { selectBackend } from '@epoch/trainer';
import { GraderConfigError, loadGraderConfig } from './config';

/**
 * The grader worker's boot: validate config, choose the training backend (tried for real), connect to the
 * grading queue, and advertise itself with a heartbeat key (backend, threads, versions) that the API's
 * readiness check reads. Job processing is added by the grading-pipeline issue.
 */
async function boot(): Promise<void> {
  const config = loadGraderConfig();
  const log = pino({ name: 'grader', level: config.LOG_LEVEL });
  const backend = await selectBackend({ force: config.EPOCH_TRAINING_BACKEND });
  log.info({ backend: backend.name, threads: backend.threads, versions: backend.versions }, 'training backend selected');

  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QueueName.Grading, { connection });
  await queue.waitUntilReady();
  log.info({ queue: QueueName.Grading, worker: config.EPOCH_WORKER_ID }, 'connected to the grading queue');

  const key = `${WORKER_HEARTBEAT_PREFIX}${config.EPOCH_WORKER_ID}`;
  const beat = () => connection.set(key, JSON.stringify({ backend, since: Date.now() }), 'EX', 30);
  await beat();
  const timer = setInterval(() => { beat().catch((e: unknown) => log.warn({ err: e }, 'heartbeat failed')); }, 10_000);

  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    clearInterval(timer);
    void connection.del(key).finally(() => {
      void queue.close().finally(() => { connection.disconnect(); process.exit(0); });
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
