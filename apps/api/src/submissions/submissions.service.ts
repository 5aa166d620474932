import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Prisma, type EpochPrismaClient, type Exercise, type GradingPolicy } from '@epoch/db';
import { gradingWork, modelRulesFromPolicy, MAX_SOURCE_BYTES, type TCheckResult, type TSubmissionCreated } from '@epoch/contracts';
import { checkSource, forwardMacs, type TCheckReport } from '@epoch/model-spec';
import { chooseQueue, enqueueGrading, liveWorkers, removeGradingJob, type TGradingQueues } from '@epoch/grading';
import type { Redis } from 'ioredis';
import { API_CONFIG, GRADING_QUEUE, LOGGER, PRISMA, REDIS, type TApiConfig } from '../config';
import type { AuthContext } from '../auth/auth-context';
import type { TCourseRole } from '../access/access.service';
import { ApiError, conflict } from '../http/api-error';
import { policyFromRow } from '../policies/policy-row';
import { quotaUsage } from './quota';
import { submissionView } from './submission-view';

export function checkResultOf(r: TCheckReport): TCheckResult {
  return { ok: r.ok, errors: r.errors, warnings: r.warnings, model: r.model, training: r.training, hash: r.hash };
}

export function sourceTooLarge(source: string): ApiError | null {
  const bytes = Buffer.byteLength(source, 'utf8');
  return bytes > MAX_SOURCE_BYTES
    ? new ApiError(413, 'source_too_large', `the source is ${bytes} bytes; the limit is ${MAX_SOURCE_BYTES} bytes (64 KiB)`, [
        { path: 'source', message: `at most ${MAX_SOURCE_BYTES} bytes` },
      ])
    : null;
}

/** The canonical ModelSpec hash plus every policy field that changes what training produces (for result reuse). */
export function specHashOf(modelHash: string, policy: GradingPolicy): string {
  const training = {
    seed: policy.seed,
    batchSize: policy.batchSize,
    requiredEpochs: policy.requiredEpochs,
    maxEpochs: policy.maxEpochs,
    limitTrain: policy.limitTrain,
    limitTest: policy.limitTest,
  };
  return createHash('sha256')
    .update(`${modelHash}\n${JSON.stringify(training)}`)
    .digest('hex');
}

type TExerciseWithPolicy = Exercise & { policy: GradingPolicy | null };

@Injectable()
export class SubmissionsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(GRADING_QUEUE) private readonly queues: TGradingQueues,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  check(source: string, policy: GradingPolicy): TCheckReport {
    return checkSource(source, { rules: modelRulesFromPolicy(policyFromRow(policy)) });
  }

  /** The earlier submission made with this idempotency key, if any (a different payload under the same key is a 409). */
  async replay(caller: AuthContext, key: string, exerciseId: string, source: string) {
    const s = await this.prisma.submission.findUnique({
      where: { userId_idempotencyKey: { userId: caller.userId, idempotencyKey: key } },
      include: { exercise: { select: { slug: true } } },
    });
    if (!s) return null;
    if (s.exerciseId !== exerciseId || s.source !== source)
      throw conflict('idempotency_key_reused', 'this Idempotency-Key was used for a different submission');
    return s;
  }

  /**
   * Stores a submission: rejected ones at once with their diagnostics (free); valid ones after the deadline and quota
   * checks, as QUEUED with their ModelSpec, and only then enqueued (jobId = submission id). A second request with the
   * same idempotency key is caught by the unique index (no extra lookup on the common path) and answers with the first.
   */
  async submit(
    caller: AuthContext,
    role: TCourseRole,
    exercise: TExerciseWithPolicy,
    source: string,
    key: string,
  ): Promise<{ created: TSubmissionCreated; replayed: boolean }> {
    const policy = exercise.policy;
    if (!policy) throw new ApiError(409, 'no_policy', `exercise "${exercise.slug}" has no grading policy yet`);
    const now = new Date();
    const late = policy.deadline !== null && now.getTime() > policy.deadline.getTime();
    if (late && policy.latePolicy === 'REFUSE') {
      throw new ApiError(403, 'deadline_passed', `the deadline (${policy.deadline?.toISOString()}) has passed and this exercise refuses late submissions`);
    }
    const report = this.check(source, policy);
    const check = checkResultOf(report);
    const base = {
      userId: caller.userId,
      exerciseId: exercise.id,
      source,
      idempotencyKey: key,
      policyVersion: policy.version,
      late,
      diagnostics: report.diagnostics,
    };
    try {
      if (!report.ok || !report.spec || !report.hash) {
        const s = await this.prisma.submission.create({ data: { ...base, status: 'REJECTED', finishedAt: now } });
        return { created: { ...submissionView({ ...s, exercise: { slug: exercise.slug } }), check }, replayed: false };
      }
      const macs = forwardMacs(report.spec);
      const workMacs =
        macs === null ? null : gradingWork({ forwardMacs: macs, epochs: report.spec.epochs, limitTrain: policy.limitTrain, limitTest: policy.limitTest });
      const data = { ...base, status: 'QUEUED' as const, modelSpec: report.spec, specHash: specHashOf(report.hash, policy), workMacs, queuedAt: now };
      const limited = role === 'STUDENT' && (policy.dailyQuota !== null || policy.totalQuota !== null);
      const s = !limited
        ? await this.prisma.submission.create({ data })
        : await this.prisma.$transaction(async (tx) => {
            // Serialises one student's submissions to one exercise, so two parallel requests cannot both take the last slot.
            await tx.$executeRaw`select pg_advisory_xact_lock(hashtextextended(${`${caller.userId}:${exercise.id}`}, 0))`;
            const q = await quotaUsage(tx, caller.userId, exercise.id, policy, now);
            if (q.dailyLeft === 0 || q.totalLeft === 0) {
              const which = q.totalLeft === 0 ? `the total quota of ${policy.totalQuota}` : `today's quota of ${policy.dailyQuota}`;
              throw new ApiError(429, 'quota_exhausted', `you have used ${which} submissions for this exercise`, [
                { path: q.totalLeft === 0 ? 'totalQuota' : 'dailyQuota', message: 'no submissions left' },
              ]);
            }
            return tx.submission.create({ data });
          });
      await this.enqueue(s.id, s.workMacs);
      return { created: { ...submissionView({ ...s, exercise: { slug: exercise.slug } }), check }, replayed: false };
    } catch (e) {
      // The key was used before (a retry, a double click, or two requests racing): answer with the first submission.
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
        const first = await this.replay(caller, key, exercise.id, source);
        if (first) return { created: { ...submissionView(first), check: null }, replayed: true };
      }
      throw e;
    }
  }

  /**
   * Enqueues after the row is committed, on the GPU queue when a grader serves it and the job is heavy enough (see
   * @epoch/grading's chooseQueue), else the general queue. A failure leaves the submission QUEUED for the reconciler
   * rather than failing the request.
   */
  async enqueue(submissionId: string, workMacs: number | null): Promise<void> {
    try {
      const gpuWorkers =
        workMacs !== null && workMacs >= this.config.EPOCH_GPU_MIN_WORK_MACS ? (await liveWorkers(this.redis, this.config.EPOCH_QUEUE_PREFIX)).gpu : 0;
      await enqueueGrading(this.queues, submissionId, chooseQueue({ workMacs, gpuWorkers, gpuMinWorkMacs: this.config.EPOCH_GPU_MIN_WORK_MACS }));
    } catch (e) {
      this.log.warn({ err: e, submissionId }, 'enqueue failed; the submission stays QUEUED for the reconciler');
    }
  }

  /** Queues a submission again (a regrade): its finished job, if BullMQ still holds it, is removed first. */
  async requeue(submissionId: string): Promise<void> {
    await removeGradingJob(this.queues, submissionId).catch((e: unknown) => this.log.warn({ err: e, submissionId }, 'could not remove the previous job'));
    const s = await this.prisma.submission.findUnique({ where: { id: submissionId }, select: { workMacs: true } });
    await this.enqueue(submissionId, s?.workMacs ?? null);
  }

  /** Cancels a submission still waiting in the queue (a running one belongs to its grader). */
  async cancel(id: string) {
    const r = await this.prisma.submission.updateMany({
      where: { id, status: { in: ['RECEIVED', 'QUEUED'] } },
      data: { status: 'CANCELLED', finishedAt: new Date() },
    });
    if (r.count === 0) return false;
    await removeGradingJob(this.queues, id).catch((e: unknown) =>
      this.log.warn({ err: e, submissionId: id }, 'could not remove the cancelled job from the queue'),
    );
    return true;
  }
}
