import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Prisma, type EpochPrismaClient, type Exercise, type GradingPolicy } from '@epoch/db';
import { GRADE_JOB_NAME, GRADING_JOB_OPTIONS, modelRulesFromPolicy, MAX_SOURCE_BYTES, type TCheckResult, type TSubmissionCreated } from '@epoch/contracts';
import { checkSource, type TCheckReport } from '@epoch/model-spec';
import { GRADING_QUEUE, LOGGER, PRISMA } from '../config';
import type { GradingQueue } from '../app.module';
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
    ? new ApiError(413, 'source_too_large', `the source is ${bytes} bytes; the limit is ${MAX_SOURCE_BYTES} bytes (64 KiB)`, [{ path: 'source', message: `at most ${MAX_SOURCE_BYTES} bytes` }])
    : null;
}

/** The canonical ModelSpec hash plus every policy field that changes what training produces (for result reuse). */
export function specHashOf(modelHash: string, policy: GradingPolicy): string {
  const training = { seed: policy.seed, batchSize: policy.batchSize, requiredEpochs: policy.requiredEpochs, maxEpochs: policy.maxEpochs, limitTrain: policy.limitTrain, limitTest: policy.limitTest };
  return createHash('sha256').update(`${modelHash}\n${JSON.stringify(training)}`).digest('hex');
}

type TExerciseWithPolicy = Exercise & { policy: GradingPolicy | null };

@Injectable()
export class SubmissionsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(GRADING_QUEUE) private readonly queue: GradingQueue,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  check(source: string, policy: GradingPolicy): TCheckReport {
    return checkSource(source, { rules: modelRulesFromPolicy(policyFromRow(policy)) });
  }

  /** The earlier submission made with this idempotency key, if any (a different payload under the same key is a 409). */
  async replay(caller: AuthContext, key: string, exerciseId: string, source: string) {
    const s = await this.prisma.submission.findUnique({ where: { userId_idempotencyKey: { userId: caller.userId, idempotencyKey: key } }, include: { exercise: { select: { slug: true } } } });
    if (!s) return null;
    if (s.exerciseId !== exerciseId || s.source !== source) throw conflict('idempotency_key_reused', 'this Idempotency-Key was used for a different submission');
    return s;
  }

  /**
   * Stores a submission: rejected ones at once with their diagnostics (free); valid ones after the deadline and quota
   * checks, as QUEUED with their ModelSpec, and only then enqueued (jobId = submission id).
   */
  async submit(caller: AuthContext, role: TCourseRole, exercise: TExerciseWithPolicy, source: string, key: string): Promise<TSubmissionCreated> {
    const policy = exercise.policy;
    if (!policy) throw new ApiError(409, 'no_policy', `exercise "${exercise.slug}" has no grading policy yet`);
    const now = new Date();
    const late = policy.deadline !== null && now.getTime() > policy.deadline.getTime();
    if (late && policy.latePolicy === 'REFUSE') {
      throw new ApiError(403, 'deadline_passed', `the deadline (${policy.deadline?.toISOString()}) has passed and this exercise refuses late submissions`);
    }
    const report = this.check(source, policy);
    const check = checkResultOf(report);
    const base = { userId: caller.userId, exerciseId: exercise.id, source, idempotencyKey: key, policyVersion: policy.version, late, diagnostics: report.diagnostics };
    try {
      if (!report.ok || !report.spec || !report.hash) {
        const s = await this.prisma.submission.create({ data: { ...base, status: 'REJECTED', finishedAt: now } });
        return { ...submissionView({ ...s, exercise: { slug: exercise.slug } }), check };
      }
      const spec = report.spec;
      const specHash = specHashOf(report.hash, policy);
      const s = await this.prisma.$transaction(async (tx) => {
        if (role === 'STUDENT') {
          // Serialises one student's submissions to one exercise, so two parallel requests cannot both take the last slot.
          await tx.$executeRaw`select pg_advisory_xact_lock(hashtextextended(${`${caller.userId}:${exercise.id}`}, 0))`;
          const q = await quotaUsage(tx, caller.userId, exercise.id, policy, now);
          if (q.dailyLeft === 0 || q.totalLeft === 0) {
            const which = q.totalLeft === 0 ? `the total quota of ${policy.totalQuota}` : `today's quota of ${policy.dailyQuota}`;
            throw new ApiError(429, 'quota_exhausted', `you have used ${which} submissions for this exercise`, [{ path: q.totalLeft === 0 ? 'totalQuota' : 'dailyQuota', message: 'no submissions left' }]);
          }
        }
        return tx.submission.create({ data: { ...base, status: 'QUEUED', modelSpec: spec, specHash, queuedAt: now } });
      });
      await this.enqueue(s.id);
      return { ...submissionView({ ...s, exercise: { slug: exercise.slug } }), check };
    } catch (e) {
      // Two requests with one key raced: the loser answers with the winner's submission.
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
        const first = await this.replay(caller, key, exercise.id, source);
        if (first) return { ...submissionView(first), check: null };
      }
      throw e;
    }
  }

  /** Enqueues after the row is committed; a failure leaves it QUEUED for the reconciler rather than failing the request. */
  async enqueue(submissionId: string): Promise<void> {
    try {
      await this.queue.add(GRADE_JOB_NAME, { submissionId }, { ...GRADING_JOB_OPTIONS, jobId: submissionId });
    } catch (e) {
      this.log.warn({ err: e, submissionId }, 'enqueue failed; the submission stays QUEUED for the reconciler');
    }
  }

  /** Queues a submission again (a regrade): its finished job, if BullMQ still holds it, is removed first. */
  async requeue(submissionId: string): Promise<void> {
    await this.queue.remove(submissionId).catch((e: unknown) => this.log.warn({ err: e, submissionId }, 'could not remove the previous job'));
    await this.enqueue(submissionId);
  }

  /** Cancels a submission still waiting in the queue (a running one belongs to its grader). */
  async cancel(id: string) {
    const r = await this.prisma.submission.updateMany({ where: { id, status: { in: ['RECEIVED', 'QUEUED'] } }, data: { status: 'CANCELLED', finishedAt: new Date() } });
    if (r.count === 0) return false;
    await this.queue.remove(id).catch((e: unknown) => this.log.warn({ err: e, submissionId: id }, 'could not remove the cancelled job from the queue'));
    return true;
  }
}
