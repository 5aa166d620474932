import { Redis } from 'ioredis';
import { pino } from 'pino';
import { DomainError, isFinalStatus } from '@epoch/contracts';
import { createPrismaClient } from '@epoch/db';
import { calibrationView, closeGradingQueues, DEFAULT_GPU_MIN_WORK_MACS, openGradingQueues, startCalibration, type TGradingDeps } from '@epoch/grading';
import { artifactStoreOf, loadCliEnv } from '../config';
import type { CommandIo } from '../io';
import { dataDir } from '../paths';
import { ensureServices, stopServices } from '../services';

export interface TCalibrateCommand {
  exercise: string;
  course?: string;
  seeds: number;
  /** A wrong variant's name (the exercise's calibrationVariants); absent: the reference solution. */
  variant?: string;
  /** Wait until every seed is trained (by the running graders), printing each as it ends. */
  wait: boolean;
  pollMs?: number;
}

/**
 * `./epoch calibrate SLUG --seeds N [--variant NAME] [--course SLUG] [--wait]`: trains the exercise's reference solution
 * (or its wrong variant NAME) with N seeds on the graders (CALIBRATION runs, the lowest priority) and prints the
 * distributions of test accuracy next to the pass mark: the reference solution's, each calibrated variant's, and the
 * suggestion that weighs them. The graders (`./epoch up`, or deployed ones on the same Postgres and Redis) do the
 * training.
 */
export async function runCalibrateCommand(opts: TCalibrateCommand, io: CommandIo): Promise<number> {
  const env = loadCliEnv();
  const data = dataDir();
  const services = await ensureServices(env, data, io.err);
  const prisma = createPrismaClient(services.databaseUrl);
  const redis = new Redis(services.redisUrl, { maxRetriesPerRequest: null });
  const queues = openGradingQueues(redis, env.EPOCH_QUEUE_PREFIX);
  const deps: TGradingDeps = {
    prisma,
    queues,
    redis,
    queuePrefix: env.EPOCH_QUEUE_PREFIX,
    gpuMinWorkMacs: DEFAULT_GPU_MIN_WORK_MACS,
    log: pino({ level: 'warn' }, pino.destination(2)),
    rejectedLimit: { max: 1000, windowSeconds: 60 },
    artifacts: artifactStoreOf(env, data),
  };
  try {
    const found = await prisma.exercise.findMany({
      where: { slug: opts.exercise, removedAt: null, ...(opts.course ? { course: { slug: opts.course } } : {}) },
      include: { policy: true, course: { select: { slug: true } } },
    });
    if (found.length === 0) {
      io.err(`epoch calibrate: no exercise "${opts.exercise}"${opts.course ? ` in course "${opts.course}"` : ''}`);
      return 1;
    }
    if (found.length > 1) {
      io.err(`epoch calibrate: "${opts.exercise}" is in several courses (${found.map((e) => e.course.slug).join(', ')}); name one with --course`);
      return 1;
    }
    const exercise = found[0]!;
    const variant = opts.variant ?? null;
    const started = await startCalibration(deps, { exercise, seeds: opts.seeds, userId: null, variant });
    io.out(
      `calibration ${started.calibrationId}: ${opts.seeds} seed(s) of ${exercise.course.slug}/${exercise.slug}'s ` +
        `${variant === null ? 'reference solution' : `wrong variant '${variant}'`} queued (lowest priority)`,
    );
    if (opts.wait) {
      const seen = new Set<string>();
      for (;;) {
        const runs = await prisma.submission.findMany({ where: { calibrationId: started.calibrationId }, select: { id: true, seed: true, status: true } });
        for (const r of runs.filter((x) => isFinalStatus(x.status) && !seen.has(x.id))) {
          seen.add(r.id);
          const state = await calibrationView(prisma, exercise.id);
          const v = variant === null ? state.calibration : state.variants.find((x) => x.name === variant)?.calibration;
          const run = v?.runs.find((x) => x.seed === r.seed);
          io.out(
            `  seed ${r.seed}: ${r.status}${run?.testAccuracy !== null && run?.testAccuracy !== undefined ? `, ${(100 * run.testAccuracy).toFixed(2)}%` : ''}`,
          );
        }
        if (runs.every((x) => isFinalStatus(x.status))) break;
        await new Promise((res) => setTimeout(res, opts.pollMs ?? 5000));
      }
    }
    const state = await calibrationView(prisma, exercise.id);
    if (state.calibration) io.out(state.calibration.summary);
    for (const v of state.variants) if (v.calibration) io.out(v.calibration.summary);
    if (state.suggestion) io.out(state.suggestion.summary);
    return 0;
  } catch (e) {
    if (e instanceof DomainError) {
      io.err(`epoch calibrate: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await closeGradingQueues(queues);
    redis.disconnect();
    await prisma.$disconnect();
    stopServices(data, services.started);
  }
}
