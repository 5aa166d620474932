import { FsArtifactStore } from '@epoch/artifacts';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { inject } from 'vitest';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import {
  GRADE_JOB_NAME,
  GRADING_JOB_OPTIONS,
  modelRulesFromPolicy,
  ZGradingPolicy,
  type TGradingJobPayload,
  type TGradingPolicyInput,
  type TRunKind,
} from '@epoch/contracts';
import { CIFAR10_CLASS_NAMES, prepareCifar10 } from '@epoch/datasets';
import { createPrismaClient, policyColumns, type EpochPrismaClient } from '@epoch/db';
import { closeGradingQueues, openGradingQueues, type TGradingDeps, type TGradingQueues } from '@epoch/grading';
import { checkSource } from '@epoch/model-spec';
import { startTs, waitFor, type RunningProcess } from '../helpers';

/**
 * A tiny CIFAR-style image folder: `train` per-class images (the lesson split keeps every 10th as validation) and
 * `test` per-class images. Each class has its own colour and stripe direction plus noise, so a tiny model learns it
 * (with `signal: false` the images are noise only: a model stays near chance, so its accuracy is never 100%).
 */
export function tinyCifarFolder(dir: string, train = 20, test = 10, { signal = true } = {}): void {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (const [split, count] of [
    ['train', train],
    ['test', test],
  ] as const) {
    for (const [c, name] of CIFAR10_CLASS_NAMES.entries()) {
      mkdirSync(join(dir, split, name), { recursive: true });
      for (let n = 0; n < count; n++) {
        const data = Buffer.alloc(32 * 32 * 4);
        for (let y = 0; y < 32; y++) {
          for (let x = 0; x < 32; x++) {
            const o = (y * 32 + x) * 4;
            const stripe = !signal ? 0 : ((c < 5 ? x : y) >> (1 + (c % 3))) % 2 === 0 ? 1 : 0.4;
            const noise = signal ? 50 : 255;
            data[o] = Math.min(255, (c * 25 + 20) * stripe + rand() * noise);
            data[o + 1] = Math.min(255, ((9 - c) * 25 + 20) * stripe + rand() * noise);
            data[o + 2] = Math.min(255, ((c * 70) % 255) * stripe + rand() * noise);
            data[o + 3] = 255;
          }
        }
        writeFileSync(join(dir, split, name, `${String(n).padStart(4, '0')}.jpg`), jpeg.encode({ data, width: 32, height: 32 }, 92).data);
      }
    }
  }
}

export interface GraderEnv {
  dataDir: string;
  cifar: string;
  prefix: string;
  prisma: EpochPrismaClient;
  /** The general queue (`queues.general`). */
  queue: Queue<TGradingJobPayload>;
  queues: TGradingQueues;
  userId: string;
  courseId: string;
  /** Environment of a grader process for this test file. */
  env: Record<string, string>;
  /** The graders' artifact store (the `fs` store under this file's data folder). */
  artifacts: FsArtifactStore;
  cleanup: () => Promise<void>;
}

/**
 * Data folder (decoded into the cache once), a per-file queue prefix, a user and a course for this file's exercises;
 * on the run's Postgres and Redis unless the test brings its own (`databaseUrl`, migrated; `redisUrl`).
 */
export async function setUpGraderEnv(name: string, opts: { data?: boolean; databaseUrl?: string; redisUrl?: string } = {}): Promise<GraderEnv> {
  const databaseUrl = opts.databaseUrl ?? inject('databaseUrl');
  const redisUrl = opts.redisUrl ?? inject('redisUrl');
  const dataDir = mkdtempSync(join(tmpdir(), `epoch-grader-${name}-`));
  const cifar = join(dataDir, 'images');
  if (opts.data ?? true) {
    tinyCifarFolder(cifar);
    // Decoded once here, so the graders only read the cache (and never race to build it).
    await prepareCifar10({ source: cifar, cacheDir: join(dataDir, 'cifar10') });
  }
  const prefix = `${inject('redisPrefix')}-${name}`;
  const prisma = createPrismaClient(databaseUrl);
  const t = randomBytes(4).toString('hex');
  const user = await prisma.user.create({ data: { email: `grader-${name}-${t}@test.epoch`, name: 'Grader Test', passwordHash: 'x' } });
  const course = await prisma.course.create({ data: { slug: `grader-${name}-${t}`, title: 'Grader test', description: 'tests', enrollmentCode: `G${t}` } });
  const queues = openGradingQueues({ url: redisUrl }, prefix);
  const queue = queues.general;
  // The reconciler leaves submissions younger than 5 s alone: tests that use a queue of their own (another prefix) claim
  // theirs sooner, so this file's main grader never re-enqueues them on its queue.
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    EPOCH_QUEUE_PREFIX: prefix,
    EPOCH_BACKEND: 'wasm',
    LOG_LEVEL: 'info',
    EPOCH_CIFAR10: cifar,
    EPOCH_DATA_DIR: dataDir,
    EPOCH_GRADER_CANCEL_POLL_MS: '200',
    EPOCH_GRADER_PROGRESS_BATCHES: '1',
    EPOCH_GRADER_LOCK_MS: '4000',
    EPOCH_GRADER_STALLED_MS: '1000',
    EPOCH_GRADER_RECONCILE_MS: '500',
    EPOCH_GRADER_RECONCILE_GRACE_MS: '5000',
    EPOCH_WORKER_ID: `${prefix}-worker`,
  };
  return {
    dataDir,
    cifar,
    prefix,
    prisma,
    queue,
    queues,
    userId: user.id,
    courseId: course.id,
    env,
    artifacts: new FsArtifactStore(join(dataDir, 'artifacts')),
    cleanup: async () => {
      for (const q of Object.values(queues)) await q.obliterate({ force: true }).catch(() => undefined);
      await closeGradingQueues(queues);
      await prisma.$disconnect();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let exerciseCounter = 0;

/** An exercise with its own grading policy (small data limits unless overridden). */
export async function createExercise(
  g: GraderEnv,
  policy: Partial<TGradingPolicyInput>,
): Promise<{ id: string; policy: ReturnType<typeof ZGradingPolicy.parse> }> {
  const p = ZGradingPolicy.parse({ minTestAccuracy: 0, dailyQuota: null, ...policy });
  exerciseCounter++;
  const ex = await g.prisma.exercise.create({
    data: {
      courseId: g.courseId,
      slug: `${g.prefix}-ex-${exerciseCounter}`,
      title: `Exercise ${exerciseCounter}`,
      position: exerciseCounter,
      instructions: 'test',
      starterCode: '',
      solutionCode: '',
      policy: { create: policyColumns(p) },
    },
  });
  return { id: ex.id, policy: p };
}

/** A lesson-style source: the given layers between Input(INPUT_SHAPE) and the softmax output, compiled and fitted. */
export function source(opts: { layers?: string[]; epochs: number; optimizer?: string }): string {
  return [
    'import tensorflow as tf',
    'model = tf.keras.Sequential([',
    '    tf.keras.layers.Input(INPUT_SHAPE),',
    ...(opts.layers ?? []).map((l) => `    ${l},`),
    '    tf.keras.layers.Flatten(),',
    '    tf.keras.layers.Dense(class_num, activation="softmax"),',
    '])',
    `model.compile(optimizer=${opts.optimizer ?? '"adam"'}, loss="categorical_crossentropy", metrics=["accuracy"])`,
    `history = model.fit(train_data, validation_data=validation_data, epochs=${opts.epochs})`,
    '',
  ].join('\n');
}

export const TINY_CNN = ['tf.keras.layers.Conv2D(4, (3, 3), activation="relu")', 'tf.keras.layers.MaxPooling2D((2, 2))'];
/** Slow enough on the cpu backend (about 0.2 s per epoch on wasm, 2 cores) to be interrupted mid-training. */
export const SLOW_DENSE = ['tf.keras.layers.Flatten()', 'tf.keras.layers.Dense(512, activation="relu")'];

/** Writes a QUEUED submission the way the API does (checked source, stored ModelSpec); enqueue it separately. */
export async function createSubmission(
  g: GraderEnv,
  exercise: { id: string; policy: ReturnType<typeof ZGradingPolicy.parse> },
  src: string,
  /** Another submitter, the run's class, the seed chosen at submission and the reuse key (default: the model hash). */
  opts: { userId?: string; kind?: TRunKind; seed?: number; specHash?: string } = {},
): Promise<string> {
  const report = checkSource(src, { rules: modelRulesFromPolicy(exercise.policy) });
  if (!report.ok || !report.spec) throw new Error(`test source does not check: ${JSON.stringify(report.errors)}`);
  const s = await g.prisma.submission.create({
    data: {
      userId: opts.userId ?? g.userId,
      kind: opts.kind ?? 'GRADED',
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      exerciseId: exercise.id,
      source: src,
      modelSpec: report.spec,
      specHash: opts.specHash ?? report.hash ?? null,
      status: 'QUEUED',
      idempotencyKey: randomBytes(8).toString('hex'),
      policyVersion: 1,
      queuedAt: new Date(),
    },
  });
  return s.id;
}

export async function enqueue(g: GraderEnv, submissionId: string, backoffMs = 200): Promise<void> {
  await g.queue.add(GRADE_JOB_NAME, { submissionId }, { ...GRADING_JOB_OPTIONS, backoff: { type: 'fixed', delay: backoffMs }, jobId: submissionId });
}

/** The grading use cases' dependencies on this file's Postgres, queues and artifact store (every job on the general queue). */
export function gradingDeps(g: GraderEnv, redis: Redis): TGradingDeps {
  return {
    prisma: g.prisma,
    queues: g.queues,
    redis,
    queuePrefix: g.prefix,
    gpuMinWorkMacs: 1e18,
    log: pino({ level: 'silent' }),
    rejectedLimit: { max: 1000, windowSeconds: 60 },
    artifacts: g.artifacts,
  };
}

/** Starts a real grader process and waits until it takes jobs. */
export async function startGrader(g: GraderEnv, env: Record<string, string> = {}): Promise<RunningProcess> {
  const proc = startTs('apps/grader/src/main.ts', { ...g.env, ...env });
  await waitFor(
    async () => (/connected to the grading queue/.test(proc.output()) ? true : proc.child.exitCode !== null ? Promise.reject(new Error('exited')) : undefined),
    60_000,
    `the grader to start\n${proc.output()}`,
  );
  return proc;
}

const FINAL = ['PASSED', 'FAILED', 'REJECTED', 'ERROR', 'CANCELLED'];

/** Waits for a submission to reach one of `statuses` (default: any final status). */
export async function waitForStatus(g: GraderEnv, id: string, timeoutMs: number, statuses = FINAL, proc?: RunningProcess) {
  return waitFor(
    async () => {
      const s = await g.prisma.submission.findUniqueOrThrow({ where: { id } });
      return statuses.includes(s.status) ? s : undefined;
    },
    timeoutMs,
    `submission ${id} to reach ${statuses.join('/')}${proc ? `\n${proc.output().slice(-4000)}` : ''}`,
  );
}

/** Decodes a PNG (throws when it is not one). */
export function decodePng(bytes: Uint8Array): { width: number; height: number } {
  const png = PNG.sync.read(Buffer.from(bytes));
  return { width: png.width, height: png.height };
}
