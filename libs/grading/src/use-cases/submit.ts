import { createHash } from 'node:crypto';
import { isUniqueViolation, policyFromRow, type GradingPolicy, type StudentException, type Submission } from '@epoch/db';
import {
  DEFAULT_MODEL_LIMITS,
  DomainError,
  gradingWork,
  modelRulesFromPolicy,
  type TCheckResult,
  type TPolicyRuleFields,
  type TRunKind,
} from '@epoch/contracts';
import { checkSource, forwardMacs, type TCheckReport } from '@epoch/model-spec';
import type { TGradingDeps } from '../deps';
import { createSubmission, replaceQueued } from '../lifecycle/lifecycle';
import { isLate, quotaOf, scheduleOf, windowAt, withException } from '../lifecycle/schedule';
import { removeGradingJob } from '../queues';
import { submissionSeed } from '../policy/seeds';
import { enqueueSubmission } from './enqueue';
import { practiceTraining } from './practice';
import { practiceUsage, quotaUsage } from './quota';
import { assertRejectedBelowLimit, countRejected } from './rejected-limit';

/** An exercise as the submission use cases need it: its id and slug, its course's slug, and its live policy row. */
export interface TExerciseRef {
  id: string;
  slug: string;
  /** The course's time zone (the quota day's; UTC when not given). */
  course: { slug: string; timeZone?: string };
  policy: GradingPolicy | null;
  /** Set when a content sync removed the exercise from its course: it takes no new submissions. */
  removedAt?: Date | null;
}

export type TCourseRole = 'ADMIN' | 'INSTRUCTOR' | 'STUDENT';

/** The instant check's answer as the API shows it. */
export function checkResultOf(r: TCheckReport): TCheckResult {
  return { ok: r.ok, errors: r.errors, warnings: r.warnings, model: r.model, training: r.training, hash: r.hash };
}

/** Refuses a source over the size limit before anything else looks at it. */
export function assertSourceSize(source: string): void {
  const limit = DEFAULT_MODEL_LIMITS.maxSourceBytes;
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > limit) {
    throw new DomainError('too_large', 'source_too_large', `the source is ${bytes} bytes; the limit is ${limit} bytes (64 KiB)`, [
      { path: 'source', message: `at most ${limit} bytes` },
    ]);
  }
}

/** The exercise's live policy row; an exercise without one cannot take submissions yet. */
export function policyRowOf(exercise: Pick<TExerciseRef, 'slug' | 'policy'>): GradingPolicy {
  if (!exercise.policy) throw new DomainError('conflict', 'no_policy', `exercise "${exercise.slug}" has no grading policy yet`);
  return exercise.policy;
}

/** Checks a source against the exercise's rules (nothing is stored and no quota is used). */
export function checkSubmission(exercise: TExerciseRef, source: string): TCheckReport {
  return checkAgainstPolicy(policyFromRow(policyRowOf(exercise)), source);
}

/** Checks a source against the rules a policy implies: the exercise's checks (the content loader checks its code with it). */
export function checkAgainstPolicy(policy: TPolicyRuleFields, source: string): TCheckReport {
  return checkSource(source, { rules: modelRulesFromPolicy(policy) });
}

/**
 * The canonical ModelSpec hash plus every policy field that changes what training produces, and the submission's own
 * seed (for result reuse: a per-student seed never reuses another student's result); a practice run's training differs
 * (its subset and epochs), so its hash does too and only practice runs share it.
 */
export function specHashOf(modelHash: string, policy: GradingPolicy, seed: number = policy.seed, kind: TRunKind = 'GRADED'): string {
  const training = {
    seed,
    seedPolicy: policy.seedPolicy,
    bestOfSeeds: policy.seedPolicy === 'BEST_OF_K' ? policy.bestOfSeeds : null,
    bestOfMargin: policy.seedPolicy === 'BEST_OF_K' ? policy.bestOfMargin : null,
    heldOutShare: policy.heldOutShare,
    batchSize: policy.batchSize,
    requiredEpochs: policy.requiredEpochs,
    maxEpochs: policy.maxEpochs,
    limitTrain: policy.limitTrain,
    limitTest: policy.limitTest,
    ...(kind === 'PRACTICE' ? { practice: { images: policy.practiceTrainImages, epochs: policy.practiceEpochs } } : {}),
  };
  return createHash('sha256')
    .update(`${modelHash}\n${JSON.stringify(training)}`)
    .digest('hex');
}

type TSubmissionWithSlug = Submission & { exercise: { slug: string; course: { slug: string } } };

/** The submission made earlier with this idempotency key, if any (a different payload under the same key is a conflict). */
export async function replaySubmission(
  deps: Pick<TGradingDeps, 'prisma'>,
  userId: string,
  key: string,
  exerciseId: string,
  source: string,
): Promise<TSubmissionWithSlug | null> {
  const s = await deps.prisma.submission.findUnique({
    where: { userId_idempotencyKey: { userId, idempotencyKey: key } },
    include: { exercise: { select: { slug: true, course: { select: { slug: true } } } } },
  });
  if (!s) return null;
  if (s.exerciseId !== exerciseId || s.source !== source) {
    throw new DomainError('conflict', 'idempotency_key_reused', 'this Idempotency-Key was used for a different submission');
  }
  return s;
}

export interface TSubmitInput {
  userId: string;
  /** The submitter's role in the exercise's course (quotas apply to students). */
  role: TCourseRole;
  exercise: TExerciseRef;
  source: string;
  idempotencyKey: string;
  /** A graded submission (default) or a free practice run. */
  kind?: 'GRADED' | 'PRACTICE';
  /** The user's schedule exception of the exercise when the caller loaded it already (null: none); undefined: looked up here. */
  exception?: StudentException | null;
}

export interface TSubmitted {
  submission: TSubmissionWithSlug;
  /** The instant check's report (null when the answer is an earlier submission replayed). */
  report: TCheckReport | null;
  replayed: boolean;
  /** Older queued submissions this one replaced (the policy's replaceQueued): cancelled, their quota slots returned. */
  replaced?: string[];
}

/**
 * Takes a submission: refused when the schedule refuses late work, or when too many of the user's recent ones were
 * rejected (assertRejectedBelowLimit); checked at once, a rejected one is stored with its diagnostics (free of quota,
 * final, counted towards that limit); a valid one is counted against the quota (students), stored QUEUED with its ModelSpec
 * and only then enqueued (jobId = submission id). Under the policy's replaceQueued it replaces its owner's older queued
 * submissions of the exercise (cancelled with a message, their quota slots returned). A practice run (kind PRACTICE)
 * is free of the quota and limited per day on its own (practiceDailyLimit); it trains a small subset (practice.ts). A second request with the same idempotency key is caught by the
 * unique index (no extra lookup on the common path) and answered with the first submission.
 */
export async function submit(deps: TGradingDeps, input: TSubmitInput): Promise<TSubmitted> {
  const { prisma } = deps;
  const { exercise, userId } = input;
  const kind = input.kind ?? 'GRADED';
  const policy = policyRowOf(exercise);
  if (kind === 'PRACTICE' && policy.practiceDailyLimit === 0)
    throw new DomainError('forbidden', 'practice_off', `exercise "${exercise.slug}" offers no practice runs`, [
      { path: 'kind', message: 'practice runs are off' },
    ]);
  if (exercise.removedAt) {
    throw new DomainError(
      'conflict',
      'exercise_removed',
      `exercise "${exercise.slug}" was removed from the course; its results stay readable but it takes no new submissions`,
    );
  }
  const now = new Date();
  const exception =
    input.exception !== undefined
      ? input.exception
      : await prisma.studentException.findUnique({ where: { exerciseId_userId: { exerciseId: exercise.id, userId } } });
  const schedule = withException(scheduleOf(policy), exception);
  const window = windowAt(schedule, now);
  if (window === 'NOT_OPEN') {
    throw new DomainError('forbidden', 'not_open', `this exercise opens for submissions at ${schedule.opensAt?.toISOString()}`);
  }
  if (window === 'CLOSED') {
    const yours = schedule.extended ? 'your extended deadline' : 'the deadline';
    throw new DomainError(
      'forbidden',
      'deadline_passed',
      `${yours} (${schedule.deadline?.toISOString()}) has passed and this exercise accepts no more late submissions`,
    );
  }
  await assertRejectedBelowLimit(deps, userId);
  const report = checkSubmission(exercise, input.source);
  const base = {
    userId,
    exerciseId: exercise.id,
    source: input.source,
    idempotencyKey: input.idempotencyKey,
    kind,
    policyVersion: policy.version,
    late: isLate(schedule, now),
    diagnostics: report.diagnostics,
  };
  const withSlug = (s: Submission): TSubmissionWithSlug => ({ ...s, exercise: { slug: exercise.slug, course: { slug: exercise.course.slug } } });
  try {
    if (!report.ok || !report.spec || !report.hash) {
      const rejected = await createSubmission(prisma, base, 'REJECTED', now);
      await countRejected(deps, userId);
      return { submission: withSlug(rejected), report, replayed: false };
    }
    const macs = forwardMacs(report.spec);
    const practice = kind === 'PRACTICE' ? practiceTraining(policy) : null;
    const workMacs =
      macs === null
        ? null
        : gradingWork({
            forwardMacs: macs,
            epochs: practice?.epochs ?? report.spec.epochs,
            limitTrain: practice?.limitTrain ?? policy.limitTrain,
            limitTest: policy.limitTest,
          });
    const seed = submissionSeed(policy, exercise.id, userId);
    const data = { ...base, modelSpec: report.spec, specHash: specHashOf(report.hash, policy, seed, kind), workMacs, seed };
    const quota = quotaOf(policy, exception);
    const limited = input.role === 'STUDENT' && (quota.dailyQuota !== null || quota.totalQuota !== null);
    const replaced: string[] = [];
    const s =
      kind === 'PRACTICE'
        ? await prisma.$transaction(async (tx) => {
            // One student's practice runs of one exercise, one at a time: two parallel requests cannot both take the last one.
            await tx.$executeRaw`select pg_advisory_xact_lock(hashtextextended(${`practice:${userId}:${exercise.id}`}, 0))`;
            const p = await practiceUsage(tx, userId, exercise.id, policy, now, { timeZone: exercise.course.timeZone });
            if (p.left === 0) {
              throw new DomainError('too_many', 'practice_limit', `you have used today's ${policy.practiceDailyLimit} practice runs for this exercise`, [
                { path: 'practiceDailyLimit', message: 'no practice runs left today' },
              ]);
            }
            return createSubmission(tx, data, 'QUEUED', now);
          })
        : !limited && !policy.replaceQueued
          ? await createSubmission(prisma, data, 'QUEUED', now)
          : await prisma.$transaction(async (tx) => {
              // Serialises one student's submissions to one exercise, so two parallel requests cannot both take the last slot.
              await tx.$executeRaw`select pg_advisory_xact_lock(hashtextextended(${`${userId}:${exercise.id}`}, 0))`;
              // Under replaceQueued the older queued submissions give their slots back as the new one takes one.
              const older = policy.replaceQueued
                ? (await tx.submission.findMany({ where: { userId, exerciseId: exercise.id, kind: 'GRADED', status: 'QUEUED' }, select: { id: true } })).map(
                    (o) => o.id,
                  )
                : [];
              if (limited) {
                const q = await quotaUsage(tx, userId, exercise.id, policy, now, { timeZone: exercise.course.timeZone, exception });
                const out = (left: number | null) => left !== null && left + older.length === 0;
                if (out(q.dailyLeft) || out(q.totalLeft)) {
                  const total = out(q.totalLeft);
                  const which = total ? `the total quota of ${quota.totalQuota}` : `today's quota of ${quota.dailyQuota}`;
                  throw new DomainError('too_many', 'quota_exhausted', `you have used ${which} submissions for this exercise`, [
                    { path: total ? 'totalQuota' : 'dailyQuota', message: 'no submissions left' },
                  ]);
                }
              }
              const created = await createSubmission(tx, data, 'QUEUED', now);
              replaced.push(...(await replaceQueued(tx, older, created.id)));
              return created;
            });
    for (const id of replaced) {
      await removeGradingJob(deps.queues, id).catch((e: unknown) =>
        deps.log.warn({ err: e, submissionId: id }, 'could not remove a replaced job from the queue (its grader skips it: it is CANCELLED)'),
      );
    }
    // Enqueueing recomputes the student's ranks too, so the replaced runs' places are given up here.
    await enqueueSubmission(deps, s, s.workMacs);
    return { submission: withSlug(s), report, replayed: false, replaced };
  } catch (e) {
    // The key was used before (a retry, a double click, or two requests racing): answer with the first submission.
    if (isUniqueViolation(e)) {
      const first = await replaySubmission(deps, userId, input.idempotencyKey, exercise.id, input.source);
      if (first) return { submission: first, report: null, replayed: true };
    }
    throw e;
  }
}
