import type { TArtifactStore } from '@epoch/artifacts';
import { inTransaction, Prisma, type EpochPrismaClient, type TDb } from '@epoch/db';
import { RETRAINABLE_STATES, type TGradingPolicy, type THeldOutPart, type TSeedRun, type TSubmissionState } from '@epoch/contracts';
import { notYourFault } from '../not-your-fault';
import { noteResult } from '../notifications/result-notice';
import { noteLtiGrade } from '../notifications/lti-grade';
import { countedAccuracy, decide, seedRunsOf, wantsAnotherSeed, type TDecision } from './decide';
import { nthSeed } from '../policy/seeds';
import { withException, type TSchedule } from './schedule';
import { assertTransitions } from './transitions';

/**
 * The submission lifecycle: every change of a submission's status in Epoch (API, grader, reconciler, CLI) is one of
 * these functions. Each is a guarded write (`updateMany` where the row still has one of the statuses it moves from,
 * and, for a grader's attempt, still belongs to that attempt), checked against the lifecycle table before it runs, so a
 * race (a cancellation, another grader, a reconciler) makes it a no-op instead of a wrong status.
 */
export type { TDb };

/** A grader's run of a submission: the attempt it claimed. Only that attempt may end it. */
export interface TRun {
  id: string;
  attempt: number;
}

/** The guarded status write every operation below goes through. Returns how many rows changed. */
async function move(
  db: TDb,
  where: Prisma.SubmissionWhereInput,
  from: readonly TSubmissionState[],
  to: TSubmissionState,
  data: Omit<Prisma.SubmissionUncheckedUpdateManyInput, 'status'> = {},
): Promise<number> {
  assertTransitions(from, to);
  const r = await db.submission.updateMany({ where: { ...where, status: { in: [...from] } }, data: { ...data, status: to } });
  return r.count;
}

const owned = (run: TRun) => ({ id: run.id, attemptCount: run.attempt });

/**
 * The exercise's schedule as it applied to a submission's author (their extension), and when it was submitted: what
 * decide() needs for the late mark and the credit.
 */
async function submittedUnder(db: TDb, id: string, schedule: TSchedule): Promise<{ schedule: TSchedule; at: Date | null }> {
  const s = await db.submission.findUnique({ where: { id }, select: { createdAt: true, userId: true, exerciseId: true } });
  if (!s) return { schedule, at: null };
  const exception = await db.studentException.findUnique({ where: { exerciseId_userId: { exerciseId: s.exerciseId, userId: s.userId } } });
  return { schedule: withException(schedule, exception), at: s.createdAt };
}

// ---------------------------------------------------------------------------------------------------------------
// Arrival

export type TNewSubmission = Omit<Prisma.SubmissionUncheckedCreateInput, 'status' | 'finishedAt' | 'queuedAt'>;

/** Stores a submission as it arrives, checked: QUEUED for grading, or REJECTED (final at once) with its diagnostics. */
export async function createSubmission(db: TDb, data: TNewSubmission, status: 'QUEUED' | 'REJECTED', at = new Date()) {
  assertTransitions(['RECEIVED'], status);
  return db.submission.create({ data: { ...data, status, ...(status === 'QUEUED' ? { queuedAt: at } : { finishedAt: at }) } });
}

/**
 * The owner withdraws a submission: one waiting in the queue, or one training (its grader sees the CANCELLED status,
 * or is told at once, and ends the training child; its attempt then writes nothing). `countIfTraining`: a submission
 * cancelled while it trained stays counted against the quota (the policy's refundCancelledQuota off); one cancelled
 * while waiting never is. Returns the status the submission was cancelled from, or null when it had ended already.
 */
export async function cancel(db: TDb, id: string, opts: { countIfTraining: boolean } = { countIfTraining: false }): Promise<'QUEUED' | 'RUNNING' | null> {
  const at = new Date();
  if ((await move(db, { id }, ['RECEIVED', 'QUEUED'], 'CANCELLED', { finishedAt: at })) === 1) return 'QUEUED';
  if ((await move(db, { id }, ['RUNNING'], 'CANCELLED', { finishedAt: at, cancelCounted: opts.countIfTraining })) === 1) return 'RUNNING';
  return null;
}

/**
 * A newer submission replaces its owner's older ones still waiting in the queue (the policy's replaceQueued): each
 * that is still QUEUED becomes CANCELLED with a message naming the newer one. Cancelled while waiting, it never counts
 * against the quota (its slot is returned). Returns the ids it cancelled.
 */
export async function replaceQueued(db: TDb, ids: readonly string[], byId: string): Promise<string[]> {
  const done: string[] = [];
  for (const id of ids) {
    const message = `Replaced by your newer submission ${byId} before it was graded; its quota slot was returned.`;
    if ((await move(db, { id }, ['QUEUED'], 'CANCELLED', { finishedAt: new Date(), errorMessage: message })) === 1) done.push(id);
  }
  return done;
}

// ---------------------------------------------------------------------------------------------------------------
// A grader's attempt

/**
 * A claimed attempt, or why the submission is not to be graded. `restarted`: an earlier attempt started and ended
 * without a result (its grader died, lost the job or failed, or handed it back), so training starts over.
 */
export type TClaim = { attempt: number; restarted: boolean } | { skip: string };

/**
 * Claims the submission for a new attempt: QUEUED (or RUNNING, left by a grader that died or lost the job) becomes
 * RUNNING with attemptCount + 1. Returns the attempt number, or why the submission is not to be graded.
 */
export async function claim(db: TDb, id: string): Promise<TClaim> {
  const s = await db.submission.findUnique({ where: { id }, select: { status: true, startedAt: true } });
  if (!s) return { skip: 'the submission does not exist' };
  if (s.status !== 'QUEUED' && s.status !== 'RUNNING') {
    return { skip: s.status === 'RECEIVED' ? 'the submission was never checked (RECEIVED)' : `the submission is already ${s.status}` };
  }
  const from = ['QUEUED', 'RUNNING'] as const;
  assertTransitions(from, 'RUNNING');
  const rows = await db.submission.updateManyAndReturn({
    where: { id, status: { in: [...from] } },
    data: { status: 'RUNNING', attemptCount: { increment: 1 }, startedAt: new Date(), errorMessage: null },
    select: { attemptCount: true },
  });
  const row = rows[0];
  // QUEUED keeps the start of an attempt that ended without a result (failInfra, handBack); arrival and retrain clear it.
  const restarted = s.status === 'RUNNING' || s.startedAt !== null;
  return row ? { attempt: row.attemptCount, restarted } : { skip: 'the submission changed status meanwhile' };
}

/** Whether `run` still owns its RUNNING submission (a cancellation, a newer attempt or a reconciler may have ended it). */
export async function stillOwns(db: TDb, run: TRun): Promise<boolean> {
  return (await db.submission.count({ where: { ...owned(run), status: 'RUNNING' } })) === 1;
}

/** What grading produced, to be stored with the verdict. */
export interface TGradedResult {
  testAccuracy: number;
  testLoss: number;
  perClassAccuracy: number[];
  confusionMatrix: number[][];
  backend: string;
  backendVersions: Record<string, string>;
  seed: number;
  queueWaitMs: number;
  trainingMs: number;
  evaluationMs: number;
  /** Plots, their data and the trained weights. */
  artifacts: { kind: Prisma.ArtifactCreateManyInput['kind']; name: string; contentType: string; bytes: Uint8Array }[];
  /**
   * Every epoch the attempt trained. Each is recorded as it ends (EpochMetric); any that could not be (the database
   * was unavailable then) is written here, with the result, so the stored history is always complete.
   */
  history?: { epoch: number; loss: number; accuracy: number; valLoss: number | null; valAccuracy: number | null; seconds: number }[];
  /** Every seed trained and the accuracy that counted for each (decide() judges over all of them). */
  seedRuns?: TSeedRun[];
  /** The held-out split's private part (decide() judges on it); the fields above are then the public part's. */
  heldOut?: THeldOutPart | null;
  /**
   * Best-of-k: the next seed, when the result is close enough below the pass mark to be trained again (wantsAnotherSeed).
   * The caller queues that seed's job once this is stored; the result is announced when the series ends (finishExtraSeed).
   */
  pendingSeed?: number | null;
}

/**
 * The attempt ends with a result: the artifacts' bytes go to the artifact store first (content-addressed, so bytes a
 * discarded ending leaves there are only unreferenced objects, for the retention's clean-up), then in one transaction
 * the verdict (decide) and its message, the result (the epochs the attempt recorded are its history; those missing are
 * added) and the artifact rows (what each is and its key in the store). Null when the attempt no longer owns the
 * submission (no row is written).
 */
export async function finishGraded(
  prisma: EpochPrismaClient,
  run: TRun,
  graded: TGradedResult,
  policy: TGradingPolicy,
  schedule: TSchedule,
  store: TArtifactStore,
): Promise<TDecision | null> {
  const under = await submittedUnder(prisma, run.id, schedule);
  const decision = decide(graded, policy, under.schedule, 'graded', under.at);
  const { artifacts: files, history, seedRuns, heldOut, pendingSeed: _pending, ...rest } = graded;
  const result = {
    ...rest,
    seedRuns: seedRuns ?? [{ seed: graded.seed, testAccuracy: countedAccuracy(graded) }],
    heldOut: heldOut ?? Prisma.DbNull,
    pendingSeed: graded.pendingSeed ?? null,
  };
  const artifacts: Omit<Prisma.ArtifactCreateManyInput, 'submissionId'>[] = [];
  for (const { bytes, ...a } of files) {
    const o = await store.put(bytes);
    artifacts.push({ ...a, size: o.size, sha256: o.sha256, storageKey: o.key });
  }
  return prisma.$transaction(
    async (tx) => {
      const changed = await move(tx, owned(run), ['RUNNING'], decision.status, {
        finishedAt: new Date(),
        infraError: false,
        errorMessage: decision.message,
        credit: decision.credit,
        late: decision.late,
      });
      if (changed !== 1) return null;
      if (history?.length)
        await tx.epochMetric.createMany({ data: history.map((e) => ({ submissionId: run.id, attempt: run.attempt, ...e })), skipDuplicates: true });
      await tx.artifact.deleteMany({ where: { submissionId: run.id } });
      await tx.result.deleteMany({ where: { submissionId: run.id } });
      await tx.result.create({ data: { submissionId: run.id, attempt: run.attempt, ...result } });
      await tx.artifact.createMany({ data: artifacts.map((a) => ({ submissionId: run.id, ...a })) });
      await noteResult(tx, run.id);
      await noteLtiGrade(tx, run.id);
      return decision;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/** Backends whose numbers agree: both native TensorFlow builds are one family; wasm and cpu are their own. */
export function backendFamily(name: string): string {
  return name === 'node' || name === 'node-gpu' ? 'tensorflow' : name;
}

/**
 * The attempt ends with the result of an earlier graded submission with the same specHash (canonical ModelSpec and
 * training-relevant policy) trained on the same backend family, when the policy allows reuse: result, epochs and
 * artifact rows are copied (they point at the same objects in the artifact store), the verdict is decided against the
 * current pass mark, and `reusedFromId` labels it. Null when
 * there is nothing to reuse or the attempt no longer owns the submission.
 */
export async function reuse(
  prisma: EpochPrismaClient,
  run: TRun & { specHash: string | null; queueWaitMs: number },
  policy: TGradingPolicy,
  schedule: TSchedule,
  backend: string,
): Promise<{ decision: TDecision; reusedFromId: string; testAccuracy: number } | null> {
  if (!policy.reuseCachedResults || !run.specHash) return null;
  const family = backendFamily(backend);
  const candidates = await prisma.submission.findMany({
    // A result still waiting for best-of-k's next seed is not final yet: not reused.
    where: { specHash: run.specHash, id: { not: run.id }, status: { in: ['PASSED', 'FAILED'] }, result: { is: { pendingSeed: null } }, reusedFromId: null },
    include: { result: true },
    orderBy: { finishedAt: 'desc' },
    take: 20,
  });
  const source = candidates.find((c) => c.result && backendFamily(c.result.backend) === family);
  if (!source?.result) return null;
  const r = source.result;
  const under = await submittedUnder(prisma, run.id, schedule);
  const decision = decide(r, policy, under.schedule, 'reused', under.at);
  const done = await prisma.$transaction(
    async (tx) => {
      const changed = await move(tx, owned(run), ['RUNNING'], decision.status, {
        finishedAt: new Date(),
        infraError: false,
        reusedFromId: source.id,
        errorMessage: decision.message,
        credit: decision.credit,
        late: decision.late,
      });
      if (changed !== 1) return false;
      const { id: _id, submissionId: _sid, createdAt: _c, attempt: sourceAttempt, ...copy } = r;
      await tx.result.create({
        data: {
          ...copy,
          submissionId: run.id,
          attempt: run.attempt,
          queueWaitMs: run.queueWaitMs,
          trainingMs: 0,
          evaluationMs: 0,
          perClassAccuracy: copy.perClassAccuracy ?? [],
          seedRuns: copy.seedRuns ?? [],
          pendingSeed: null,
          heldOut: copy.heldOut ?? Prisma.DbNull,
          confusionMatrix: copy.confusionMatrix ?? [],
          backendVersions: copy.backendVersions ?? {},
        },
      });
      const epochs = await tx.epochMetric.findMany({ where: { submissionId: source.id, attempt: sourceAttempt } });
      await tx.epochMetric.createMany({
        data: epochs.map(({ id: _e, createdAt: _ec, submissionId: _s, attempt: _a, ...e }) => ({ ...e, submissionId: run.id, attempt: run.attempt })),
        skipDuplicates: true,
      });
      const artifacts = await tx.artifact.findMany({ where: { submissionId: source.id } });
      await tx.artifact.createMany({ data: artifacts.map(({ id: _a, createdAt: _ac, submissionId: _s, ...a }) => ({ ...a, submissionId: run.id })) });
      await noteResult(tx, run.id);
      await noteLtiGrade(tx, run.id);
      return true;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  return done ? { decision, reusedFromId: source.id, testAccuracy: r.testAccuracy } : null;
}

/** Best-of-k's extra seed of a graded attempt: which attempt, and the seed its job trained. */
export interface TExtraSeedRun {
  id: string;
  attempt: number;
  seed: number;
}

/**
 * Best-of-k: an extra seed's job ended. With `trained` (the seed's accuracy that counts, and its training time) the
 * run is added to the result's seed runs and the verdict is decided again over all of them (decide(): it passes when
 * any seed passes), with the message, late mark and credit of the submission's schedule; the next seed is set pending
 * while wantsAnotherSeed says so (the caller queues its job). Without (the seed could not train: over a limit, the
 * policy no longer asks for more seeds, retries exhausted), the series ends with the seeds trained so far. When the
 * series ends the result is announced (noteResult) and the LMS told (noteLtiGrade). Null, writing nothing, when the
 * result no longer waits for this seed (retrained, re-graded or already recorded by another grader).
 */
export async function finishExtraSeed(
  prisma: EpochPrismaClient,
  extra: TExtraSeedRun,
  trained: TSeedRun | null,
  policy: TGradingPolicy,
  schedule: TSchedule,
): Promise<{ decision: TDecision; nextSeed: number | null } | null> {
  const under = await submittedUnder(prisma, extra.id, schedule);
  return prisma.$transaction(
    async (tx) => {
      const s = await tx.submission.findUnique({
        where: { id: extra.id },
        select: {
          status: true,
          kind: true,
          attemptCount: true,
          result: { select: { id: true, attempt: true, seed: true, pendingSeed: true, testAccuracy: true, seedRuns: true, heldOut: true } },
        },
      });
      const r = s?.result;
      if (!s || !r || s.kind !== 'GRADED' || (s.status !== 'PASSED' && s.status !== 'FAILED')) return null;
      if (s.attemptCount !== extra.attempt || r.attempt !== extra.attempt || r.pendingSeed !== extra.seed) return null;
      const before = seedRunsOf(r);
      const runs = trained ? [...before, trained] : before;
      const nextSeed = trained && wantsAnotherSeed(runs, policy) ? nthSeed(r.seed, runs.length) : null;
      // The guard again in the write: only the first ending of this seed changes the row.
      const changed = await tx.result.updateMany({ where: { id: r.id, pendingSeed: extra.seed }, data: { seedRuns: runs, pendingSeed: nextSeed } });
      if (changed.count !== 1) return null;
      const decision = decide({ ...r, seedRuns: runs }, policy, under.schedule, 'graded', under.at);
      // The series' end is when the verdict became final: the browser's result notices look for it (resultNotices).
      const fields = { errorMessage: decision.message, credit: decision.credit, late: decision.late, ...(nextSeed === null ? { finishedAt: new Date() } : {}) };
      if (decision.status === s.status) await tx.submission.updateMany({ where: { id: extra.id, status: s.status }, data: fields });
      else await move(tx, { id: extra.id }, [s.status], decision.status, fields);
      if (nextSeed === null) {
        await noteResult(tx, extra.id);
        await noteLtiGrade(tx, extra.id);
      }
      return { decision, nextSeed };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/** The attempt ends with the student's own problem (diverging loss, too large, over the time limit, outside the rules). */
export async function failStudent(db: TDb, run: TRun, status: 'FAILED' | 'REJECTED', message: string): Promise<boolean> {
  return ended(db, run.id, (tx) => move(tx, owned(run), ['RUNNING'], status, { errorMessage: message, finishedAt: new Date(), infraError: false }));
}

/**
 * A final status write and the student's notice (the outbox row, see notifications/) in one transaction: the notice
 * exists exactly when the status changed.
 */
async function ended(db: TDb, id: string, write: (tx: TDb) => Promise<number>): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    if ((await write(tx)) !== 1) return false;
    await noteResult(tx, id);
    await noteLtiGrade(tx, id);
    return true;
  });
}

/**
 * The attempt failed on Epoch's side. Not final: back to QUEUED for the queue's retry. Final (retries exhausted, or
 * retrying cannot help): ERROR, "not your fault", not counted against the quota.
 */
export async function failInfra(db: TDb, run: TRun, detail: string, opts: { final: boolean }): Promise<boolean> {
  if (!opts.final) return (await move(db, owned(run), ['RUNNING'], 'QUEUED')) === 1;
  return ended(db, run.id, (tx) =>
    move(tx, owned(run), ['RUNNING'], 'ERROR', { infraError: true, errorMessage: notYourFault(detail), finishedAt: new Date() }),
  );
}

/** The grader is shutting down: its attempt goes back to the queue for another grader. */
export async function handBack(db: TDb, run: TRun): Promise<boolean> {
  return (await move(db, owned(run), ['RUNNING'], 'QUEUED')) === 1;
}

/** A grader stopped training because the submission was cancelled: the cancellation's end time, if not yet set. */
export async function finishCancelled(db: TDb, id: string): Promise<void> {
  await db.submission.updateMany({ where: { id, status: 'CANCELLED', finishedAt: null }, data: { finishedAt: new Date() } });
}

/** The reconciler found the submission's job failed for good without its end being recorded: ERROR, not the student's fault. */
export async function abandon(db: TDb, id: string, from: 'QUEUED' | 'RUNNING', detail: string): Promise<boolean> {
  return ended(db, id, (tx) => move(tx, { id }, [from], 'ERROR', { infraError: true, finishedAt: new Date(), errorMessage: notYourFault(detail) }));
}

// ---------------------------------------------------------------------------------------------------------------
// Regrading

export interface TRedecision {
  toPassed: string[];
  toFailed: string[];
  /** Submissions whose verdict stayed but whose late mark or credit changed (a schedule or extension change). */
  recredited: string[];
  /** Asked-for submissions that were left as they are, and why. */
  skipped: { id: string; reason: string }[];
}

/**
 * Re-decides stored results without retraining: every PASSED/FAILED submission of the exercise (or only `ids`, or only
 * those of `userId`) with a result gets decide()'s verdict, message, late mark and credit against `policy` and
 * `schedule` as it applies to its author (their extension) at its submission time. Inside the caller's transaction.
 */
export async function redecide(
  tx: TDb,
  exerciseId: string,
  policy: TGradingPolicy,
  schedule: TSchedule,
  ids?: readonly string[],
  opts: { userId?: string } = {},
): Promise<TRedecision> {
  const rows = await tx.submission.findMany({
    where: {
      exerciseId,
      ...(opts.userId ? { userId: opts.userId } : {}),
      ...(ids ? { id: { in: [...ids] } } : { status: { in: ['PASSED', 'FAILED'] }, kind: 'GRADED' }),
    },
    select: {
      id: true,
      kind: true,
      userId: true,
      createdAt: true,
      status: true,
      late: true,
      credit: true,
      errorMessage: true,
      result: { select: { testAccuracy: true, seedRuns: true, heldOut: true } },
    },
  });
  const exceptions = new Map(
    (await tx.studentException.findMany({ where: { exerciseId, ...(opts.userId ? { userId: opts.userId } : {}) } })).map((e) => [e.userId, e]),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: TRedecision = { toPassed: [], toFailed: [], recredited: [], skipped: [] };
  for (const id of ids ?? rows.map((r) => r.id)) {
    const s = byId.get(id);
    if (!s) {
      out.skipped.push({ id, reason: 'not a submission of this exercise' });
      continue;
    }
    if (s.kind !== 'GRADED') {
      out.skipped.push({ id, reason: `a ${s.kind.toLowerCase()} run is not graded` });
      continue;
    }
    if (!s.result || (s.status !== 'PASSED' && s.status !== 'FAILED')) {
      out.skipped.push({ id, reason: `no stored result to re-decide (status ${s.status})` });
      continue;
    }
    const d = decide(s.result, policy, withException(schedule, exceptions.get(s.userId)), 'redecided', s.createdAt);
    if (d.status === s.status) {
      if (d.credit !== s.credit || d.late !== s.late) {
        await tx.submission.updateMany({ where: { id, status: s.status }, data: { credit: d.credit, late: d.late } });
        out.recredited.push(id);
        await noteLtiGrade(tx, id);
      } else if (ids) out.skipped.push({ id, reason: `already ${d.status}` });
      continue;
    }
    if ((await move(tx, { id }, [s.status], d.status, { errorMessage: d.message, credit: d.credit, late: d.late })) === 1) {
      (d.status === 'PASSED' ? out.toPassed : out.toFailed).push(id);
      await noteResult(tx, id);
      await noteLtiGrade(tx, id);
    }
  }
  return out;
}

/**
 * Sends final submissions back to the queue to be trained again under the current policy version: their result and
 * artifact rows are dropped (the objects in the store go with the retention's clean-up once nothing refers to them). Returns the ids moved and those that cannot be retrained, with why. Inside the caller's
 * transaction; the caller enqueues the moved ones after it commits.
 */
export async function retrain(
  tx: TDb,
  exerciseId: string,
  ids: readonly string[],
  policyVersion: number,
): Promise<{ queued: string[]; skipped: { id: string; reason: string }[] }> {
  const rows = await tx.submission.findMany({ where: { exerciseId, id: { in: [...ids] } }, select: { id: true, status: true, modelSpec: true } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const queued: string[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const id of ids) {
    const s = byId.get(id);
    if (!s) {
      skipped.push({ id, reason: 'not a submission of this exercise' });
      continue;
    }
    if (!s.modelSpec || !RETRAINABLE_STATES.includes(s.status)) {
      skipped.push({ id, reason: `cannot retrain a ${s.status} submission` });
      continue;
    }
    // The guarded move first: a concurrent retrain (or anything else) that moved it already makes this one a no-op,
    // and only the request that moved it drops the result.
    const moved = await move(tx, { id }, [s.status], 'QUEUED', {
      queuedAt: new Date(),
      startedAt: null,
      finishedAt: null,
      errorMessage: null,
      infraError: false,
      policyVersion,
      reusedFromId: null,
    });
    if (moved !== 1) {
      skipped.push({ id, reason: 'it changed status meanwhile (another request is retraining it)' });
      continue;
    }
    await tx.result.deleteMany({ where: { submissionId: id } });
    await tx.artifact.deleteMany({ where: { submissionId: id } });
    queued.push(id);
  }
  return { queued, skipped };
}
