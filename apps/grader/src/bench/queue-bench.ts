import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { GRADE_JOB_NAME, GRADING_JOB_OPTIONS, GRADING_QUEUES, ZGradingPolicy, type TGradingJobPayload, type TModelSpec } from '@epoch/contracts';
import { createPrismaClient, policyColumns } from '@epoch/db';
import { createSubmission } from '@epoch/grading';
import { denseSpec } from '@epoch/trainer';

export interface TQueueBenchOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Submissions created in one burst (default 300). */
  count?: number;
  /** Grader processes to start (default 2). */
  workers?: number;
  /** Extra environment of the graders (EPOCH_BACKEND, EPOCH_CIFAR10, EPOCH_DATA_DIR...). */
  env?: NodeJS.ProcessEnv;
  /**
   * Which grader runs: `bundle` (default), the built `dist/main.js` that `./epoch up` and the images run (build it
   * first: `./epoch bench queue` does), or `sources`, through tsx (slower to start each training child).
   */
  grader?: 'bundle' | 'sources';
  /** Give up waiting for the results after this long (default 15 minutes). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface TQueueBenchResult {
  count: number;
  accepted: number;
  enqueued: number;
  graded: number;
  /** Submissions that never reached a final status. */
  lost: number;
  /** Submissions graded more than once (attemptCount > 1) or with more than one result. */
  duplicated: number;
  byStatus: Record<string, number>;
  /** Write-then-enqueue latency per submission, in milliseconds. */
  enqueueP50Ms: number;
  enqueueP99Ms: number;
  /** From the first submission to the last result, in seconds. */
  completionSeconds: number;
  jobsPerMinute: number;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The smallest lesson-style model: Flatten and the softmax output, one epoch. */
export function tinyBenchSpec(): TModelSpec {
  const spec = denseSpec();
  return { ...spec, layers: spec.layers.filter((l) => l.name !== 'dense'), epochs: 1 };
}

const HERE = dirname(fileURLToPath(import.meta.url));
const GRADER_ARGS = {
  sources: ['--import', 'tsx', join(HERE, '..', 'main.ts')],
  bundle: ['--enable-source-maps', join(HERE, '..', '..', 'dist', 'main.js')],
} as const;

function startGrader(from: 'bundle' | 'sources', env: NodeJS.ProcessEnv): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(process.execPath, GRADER_ARGS[from], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/connected to the grading queue/.test(out)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`a grader exited (${String(code)}) before it was ready:\n${out.slice(-2000)}`)));
  });
  return { child, ready, output: () => out };
}

/**
 * `./epoch bench queue`: starts grader processes, creates `count` submissions in one burst the way the API does (row
 * first, then enqueue with jobId = submission id), waits for every result and checks that none was lost or graded
 * twice. Uses its own queue prefix, user, course and exercise (tiny data through the policy's limits) and removes
 * them afterwards.
 */
export async function runQueueBench(opts: TQueueBenchOptions): Promise<TQueueBenchResult> {
  const count = opts.count ?? 300;
  const log = opts.log ?? (() => undefined);
  const tag = randomBytes(4).toString('hex');
  const prefix = `epoch-bench-${tag}`;
  const prisma = createPrismaClient(opts.databaseUrl);
  const queue = new Queue<TGradingJobPayload>(GRADING_QUEUES.general, { connection: { url: opts.redisUrl }, prefix });
  const graders: ReturnType<typeof startGrader>[] = [];
  const user = await prisma.user.create({ data: { email: `bench-${tag}@bench.epoch`, name: 'Queue bench', passwordHash: 'x' } });
  const course = await prisma.course.create({ data: { slug: `bench-${tag}`, title: 'Queue bench', description: 'bench queue', enrollmentCode: `B${tag}` } });
  const policy = ZGradingPolicy.parse({ minTestAccuracy: 0.1, limitTrain: 256, limitTest: 100, dailyQuota: null });
  const exercise = await prisma.exercise.create({
    data: {
      courseId: course.id,
      slug: `bench-${tag}`,
      title: 'Queue bench',
      position: 1,
      instructions: '',
      starterCode: '',
      solutionCode: '',
      policy: { create: policyColumns(policy) },
    },
  });
  try {
    for (let i = 0; i < (opts.workers ?? 2); i++) {
      graders.push(
        startGrader(opts.grader ?? 'bundle', {
          DATABASE_URL: opts.databaseUrl,
          REDIS_URL: opts.redisUrl,
          EPOCH_QUEUE_PREFIX: prefix,
          EPOCH_WORKER_ID: `${prefix}-${i}`,
          LOG_LEVEL: 'info',
          EPOCH_WASM_THREADS: '1',
          ...opts.env,
        }),
      );
    }
    log(`bench queue: starting ${graders.length} grader(s)`);
    await Promise.all(graders.map((g) => g.ready));
    log(`bench queue: ${graders.length} grader(s) ready; creating ${count} submissions at once`);

    const spec = tinyBenchSpec();
    const started = performance.now();
    const latencies: number[] = [];
    let enqueued = 0;
    const ids = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const t0 = performance.now();
        const s = await createSubmission(
          prisma,
          {
            userId: user.id,
            exerciseId: exercise.id,
            source: '# bench',
            modelSpec: spec,
            specHash: `bench-${i}`,
            idempotencyKey: `bench-${tag}-${i}`,
            policyVersion: 1,
          },
          'QUEUED',
        );
        await queue.add(GRADE_JOB_NAME, { submissionId: s.id }, { ...GRADING_JOB_OPTIONS, jobId: s.id });
        enqueued++;
        latencies.push(performance.now() - t0);
        return s.id;
      }),
    );
    log(`bench queue: all ${count} accepted and enqueued in ${((performance.now() - started) / 1000).toFixed(2)} s; waiting for the results`);

    const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
    let finalCount = 0;
    let lastLog = 0;
    while (Date.now() < deadline) {
      finalCount = await prisma.submission.count({ where: { id: { in: ids }, status: { in: ['PASSED', 'FAILED', 'REJECTED', 'ERROR', 'CANCELLED'] } } });
      if (finalCount === count) break;
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`bench queue: ${finalCount}/${count} graded after ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const completionSeconds = (performance.now() - started) / 1000;
    const rows = await prisma.submission.findMany({
      where: { id: { in: ids } },
      select: { status: true, attemptCount: true, _count: { select: { artifacts: true } } },
    });
    const results = await prisma.result.groupBy({ by: ['submissionId'], where: { submissionId: { in: ids } }, _count: true });
    const byStatus: Record<string, number> = {};
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const graded = (byStatus['PASSED'] ?? 0) + (byStatus['FAILED'] ?? 0);
    return {
      count,
      accepted: rows.length,
      enqueued,
      graded,
      lost: count - finalCount,
      duplicated: rows.filter((r) => r.attemptCount > 1).length + results.filter((r) => r._count > 1).length,
      byStatus,
      enqueueP50Ms: percentile(latencies, 50),
      enqueueP99Ms: percentile(latencies, 99),
      completionSeconds,
      jobsPerMinute: (finalCount / completionSeconds) * 60,
    };
  } finally {
    await Promise.all(
      graders.map(
        (g) =>
          new Promise<void>((resolve) => {
            if (g.child.exitCode !== null) return resolve();
            g.child.once('exit', () => resolve());
            g.child.kill('SIGTERM');
          }),
      ),
    );
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await prisma.submission.deleteMany({ where: { exerciseId: exercise.id } });
    await prisma.course.delete({ where: { id: course.id } });
    await prisma.user.delete({ where: { id: user.id } });
    await prisma.$disconnect();
  }
}
