import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsArtifactStore } from '@epoch/artifacts';
import { policyFromRow } from '@epoch/db';
import { SUBMISSION_TRANSITIONS, type TSubmissionState } from '@epoch/contracts';
import {
  abandon,
  cancel,
  claim,
  createSubmission,
  failInfra,
  failStudent,
  finishGraded,
  handBack,
  IllegalTransitionError,
  redecide,
  retrain,
  recordEpoch,
  reuse,
  scheduleOf,
  stillOwns,
  assertTransitions,
  type TGradedResult,
} from '@epoch/grading';
import { createClass, freshDatabase, type TClassFixture, type TMediumDb, TINY_SPEC } from '../harness';

const graded = (testAccuracy: number): TGradedResult => ({
  testAccuracy,
  testLoss: 1.1,
  perClassAccuracy: [testAccuracy],
  confusionMatrix: [[1]],
  backend: 'wasm',
  backendVersions: { 'tfjs-core': '4.22.0' },
  seed: 42,
  queueWaitMs: 5,
  trainingMs: 100,
  evaluationMs: 10,
  artifacts: [{ kind: 'ACCURACY_PLOT', name: 'accuracy.png', contentType: 'image/png', bytes: new Uint8Array([1, 2, 3]) }],
});

describe('the submission lifecycle against Postgres', () => {
  const storeDir = mkdtempSync(join(tmpdir(), 'epoch-lifecycle-artifacts-'));
  const store = new FsArtifactStore(storeDir);
  let db: TMediumDb;
  let cls: TClassFixture;
  let n = 0;
  const statusOf = async (id: string) => (await db.prisma.submission.findUniqueOrThrow({ where: { id } })).status;
  const row = (id: string) => db.prisma.submission.findUniqueOrThrow({ where: { id } });
  const newSubmission = async (status: 'QUEUED' | 'REJECTED' = 'QUEUED', specHash: string | null = null) =>
    (
      await createSubmission(
        db.prisma,
        { userId: cls.students[0]!.id, exerciseId: cls.exerciseId, source: '#', idempotencyKey: `k-${++n}`, policyVersion: 1, modelSpec: TINY_SPEC, specHash },
        status,
      )
    ).id;
  /** A submission graded to `testAccuracy` through the lifecycle (claim, then finishGraded). */
  const gradedSubmission = async (testAccuracy: number, specHash: string | null = null) => {
    const id = await newSubmission('QUEUED', specHash);
    const c = await claim(db.prisma, id);
    if (!('attempt' in c)) throw new Error(c.skip);
    await finishGraded(db.prisma, { id, attempt: c.attempt }, graded(testAccuracy), cls.policy, scheduleOf(cls.policy), store);
    return id;
  };

  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma, { policy: { minTestAccuracy: 0.5 } });
  });
  afterAll(async () => {
    await db.drop();
    rmSync(storeDir, { recursive: true, force: true });
  });

  it('refuses every transition the table does not list, and allows every one it does', () => {
    const all = Object.keys(SUBMISSION_TRANSITIONS) as TSubmissionState[];
    for (const from of all) {
      for (const to of all) {
        const allowed = SUBMISSION_TRANSITIONS[from].includes(to);
        if (allowed) expect(() => assertTransitions([from], to)).not.toThrow();
        else expect(() => assertTransitions([from], to)).toThrow(IllegalTransitionError);
      }
    }
    expect(() => assertTransitions(['REJECTED'], 'QUEUED')).toThrow('a submission cannot go from REJECTED to QUEUED');
  });

  it('stores an arriving submission QUEUED (queuedAt set) or REJECTED (final at once)', async () => {
    const q = await row(await newSubmission('QUEUED'));
    expect([q.status, q.queuedAt !== null, q.finishedAt]).toEqual(['QUEUED', true, null]);
    const r = await row(await newSubmission('REJECTED'));
    expect([r.status, r.finishedAt !== null]).toEqual(['REJECTED', true]);
  });

  it('claims QUEUED as attempt 1, re-claims a dead attempt as attempt 2 (a restart), and skips final submissions with the reason', async () => {
    const id = await newSubmission();
    expect(await claim(db.prisma, id)).toEqual({ attempt: 1, restarted: false });
    expect(await claim(db.prisma, id)).toEqual({ attempt: 2, restarted: true });
    expect(await statusOf(id)).toBe('RUNNING');
    expect(await claim(db.prisma, await newSubmission('REJECTED'))).toEqual({ skip: 'the submission is already REJECTED' });
    expect(await claim(db.prisma, 'no-such-id')).toEqual({ skip: 'the submission does not exist' });
  });

  it('ends an attempt PASSED or FAILED through decide(), with the reason, the attempt and the artifacts', async () => {
    const pass = await gradedSubmission(0.5);
    const fail = await gradedSubmission(0.42);
    expect(await row(pass)).toMatchObject({ status: 'PASSED', errorMessage: null, infraError: false });
    expect(await row(fail)).toMatchObject({ status: 'FAILED', errorMessage: 'Test accuracy 42.0% is below the required 50.0%.' });
    expect(await db.prisma.result.findUniqueOrThrow({ where: { submissionId: pass } })).toMatchObject({ attempt: 1, testAccuracy: 0.5 });
    // The bytes are in the artifact store; the row says what they are and where (and holds no bytes).
    const [plot] = await db.prisma.artifact.findMany({ where: { submissionId: pass } });
    expect(plot).toMatchObject({ name: 'accuracy.png', size: 3, bytes: null, storageKey: `sha256/${plot!.sha256.slice(0, 2)}/${plot!.sha256}` });
    expect([...(await store.get(plot!.storageKey))]).toEqual([1, 2, 3]);
  });

  it('stores the whole history with the result: epochs the attempt could not record (database down) are added, recorded ones kept', async () => {
    const id = await newSubmission();
    const c = (await claim(db.prisma, id)) as { attempt: number };
    const run = { id, attempt: c.attempt };
    const epoch = (n: number, loss: number) => ({ epoch: n, loss, accuracy: 0.5, valLoss: null, valAccuracy: null, seconds: 1 });
    await recordEpoch(db.prisma, run, epoch(1, 2));
    await finishGraded(db.prisma, run, { ...graded(0.6), history: [epoch(1, 2), epoch(2, 1.5), epoch(3, 1)] }, cls.policy, scheduleOf(cls.policy), store);
    const rows = await db.prisma.epochMetric.findMany({ where: { submissionId: id }, orderBy: { epoch: 'asc' } });
    expect(rows.map((r) => [r.attempt, r.epoch, r.loss])).toEqual([
      [1, 1, 2],
      [1, 2, 1.5],
      [1, 3, 1],
    ]);
  });

  it('lets only the attempt that owns the RUNNING submission end it', async () => {
    const id = await newSubmission();
    await claim(db.prisma, id);
    await claim(db.prisma, id); // attempt 2 took over
    const stale = { id, attempt: 1 };
    expect(await finishGraded(db.prisma, stale, graded(0.9), cls.policy, scheduleOf(cls.policy), store)).toBeNull();
    expect(await failStudent(db.prisma, stale, 'FAILED', 'x')).toBe(false);
    expect(await failInfra(db.prisma, stale, 'x', { final: true })).toBe(false);
    expect(await handBack(db.prisma, stale)).toBe(false);
    expect(await statusOf(id)).toBe('RUNNING');
    expect(await db.prisma.result.count({ where: { submissionId: id } })).toBe(0);
  });

  it("ends an attempt with the student's own problem, final and not retried", async () => {
    const id = await newSubmission();
    const c = (await claim(db.prisma, id)) as { attempt: number };
    expect(await failStudent(db.prisma, { id, attempt: c.attempt }, 'REJECTED', 'The model cannot be built: no.')).toBe(true);
    expect(await row(id)).toMatchObject({ status: 'REJECTED', errorMessage: 'The model cannot be built: no.', infraError: false });
  });

  it('sends an infrastructure failure back to the queue, and ends the last one ERROR, not the student fault', async () => {
    const id = await newSubmission();
    const first = (await claim(db.prisma, id)) as { attempt: number };
    expect(await failInfra(db.prisma, { id, attempt: first.attempt }, 'Redis went away', { final: false })).toBe(true);
    expect(await statusOf(id)).toBe('QUEUED');
    const second = (await claim(db.prisma, id)) as { attempt: number; restarted: boolean };
    expect(second).toMatchObject({ attempt: 2, restarted: true });
    expect(await failInfra(db.prisma, { id, attempt: second.attempt }, 'Redis went away', { final: true })).toBe(true);
    const s = await row(id);
    expect(s).toMatchObject({ status: 'ERROR', infraError: true, attemptCount: 2 });
    expect(s.errorMessage).toMatch(/not your fault \(Redis went away\)/);
  });

  it('hands a running attempt back to the queue on shutdown', async () => {
    const id = await newSubmission();
    const c = (await claim(db.prisma, id)) as { attempt: number };
    expect(await handBack(db.prisma, { id, attempt: c.attempt })).toBe(true);
    expect(await statusOf(id)).toBe('QUEUED');
    expect(await claim(db.prisma, id)).toEqual({ attempt: 2, restarted: true });
  });

  it('cancels a waiting or a training submission, never a finished one; the training attempt then cannot store a result', async () => {
    const waiting = await newSubmission();
    expect(await cancel(db.prisma, waiting, { countIfTraining: true })).toBe('QUEUED');
    // Waiting: never counted, whatever the policy.
    expect(await row(waiting)).toMatchObject({ status: 'CANCELLED', cancelCounted: false });
    expect((await row(waiting)).finishedAt).not.toBeNull();
    const running = await newSubmission();
    const c = (await claim(db.prisma, running)) as { attempt: number };
    expect(await cancel(db.prisma, running, { countIfTraining: true })).toBe('RUNNING');
    expect(await row(running)).toMatchObject({ status: 'CANCELLED', cancelCounted: true });
    expect(await stillOwns(db.prisma, { id: running, attempt: c.attempt })).toBe(false);
    expect(await failStudent(db.prisma, { id: running, attempt: c.attempt }, 'FAILED', 'late news')).toBe(false);
    expect(await cancel(db.prisma, running)).toBeNull();
    const refunded = await newSubmission();
    await claim(db.prisma, refunded);
    expect(await cancel(db.prisma, refunded)).toBe('RUNNING');
    expect(await row(refunded)).toMatchObject({ status: 'CANCELLED', cancelCounted: false });
  });

  it('lets the reconciler end an abandoned submission ERROR only from the status it saw', async () => {
    const id = await newSubmission();
    expect(await abandon(db.prisma, id, 'RUNNING', 'job failed')).toBe(false);
    expect(await abandon(db.prisma, id, 'QUEUED', 'job failed')).toBe(true);
    expect(await row(id)).toMatchObject({ status: 'ERROR', infraError: true });
  });

  it('re-decides stored results with the verdict and its message: a pass that becomes a fail gets the reason, a fail that passes loses it', async () => {
    const lo = await gradedSubmission(0.45);
    const hi = await gradedSubmission(0.55);
    const strict = { ...cls.policy, minTestAccuracy: 0.6 };
    const up = await redecide(db.prisma, cls.exerciseId, strict, scheduleOf(strict), [lo, hi]);
    expect(up).toEqual({ toPassed: [], toFailed: [hi], recredited: [], skipped: [{ id: lo, reason: 'already FAILED' }] });
    expect(await row(hi)).toMatchObject({
      status: 'FAILED',
      errorMessage: 'Test accuracy 55.0% is below the required 60.0% (re-decided after a threshold change).',
    });
    const lenient = { ...cls.policy, minTestAccuracy: 0.4 };
    const down = await redecide(db.prisma, cls.exerciseId, lenient, scheduleOf(lenient), [lo, hi]);
    expect(new Set(down.toPassed)).toEqual(new Set([lo, hi]));
    expect(await row(lo)).toMatchObject({ status: 'PASSED', errorMessage: null });
    expect(await row(hi)).toMatchObject({ status: 'PASSED', errorMessage: null });
  });

  it('explains why asked-for submissions cannot be re-decided or retrained', async () => {
    const queued = await newSubmission();
    const rejected = await newSubmission('REJECTED');
    const r = await redecide(db.prisma, cls.exerciseId, cls.policy, scheduleOf(cls.policy), [queued, 'elsewhere']);
    expect(r.skipped).toEqual([
      { id: queued, reason: 'no stored result to re-decide (status QUEUED)' },
      { id: 'elsewhere', reason: 'not a submission of this exercise' },
    ]);
    const t = await retrain(db.prisma, cls.exerciseId, [rejected, queued], 1);
    expect(t).toEqual({
      queued: [],
      skipped: [
        { id: rejected, reason: 'cannot retrain a REJECTED submission' },
        { id: queued, reason: 'cannot retrain a QUEUED submission' },
      ],
    });
  });

  it('retrains a final submission: back to QUEUED under the new policy version, result and artifacts dropped', async () => {
    const id = await gradedSubmission(0.7);
    expect(await retrain(db.prisma, cls.exerciseId, [id], 7)).toEqual({ queued: [id], skipped: [] });
    expect(await row(id)).toMatchObject({ status: 'QUEUED', policyVersion: 7, finishedAt: null, errorMessage: null });
    expect(await db.prisma.result.count({ where: { submissionId: id } })).toBe(0);
    expect(await db.prisma.artifact.count({ where: { submissionId: id } })).toBe(0);
    // A retrain is a new start, not a restart after an interruption.
    expect(await claim(db.prisma, id)).toEqual({ attempt: 2, restarted: false });
  });

  it('reuses an identical graded result when the policy allows it, decided against the current pass mark', async () => {
    const source = await gradedSubmission(0.55, 'same-hash');
    await db.prisma.epochMetric.create({ data: { submissionId: source, attempt: 1, epoch: 1, loss: 1, accuracy: 0.5, seconds: 1 } });
    const id = await newSubmission('QUEUED', 'same-hash');
    const c = (await claim(db.prisma, id)) as { attempt: number };
    const run = { id, attempt: c.attempt, specHash: 'same-hash', queueWaitMs: 3 };
    const noReuse = await reuse(db.prisma, run, cls.policy, scheduleOf(cls.policy), 'wasm');
    expect(noReuse).toBeNull();
    const policy = { ...cls.policy, reuseCachedResults: true, minTestAccuracy: 0.6 };
    expect(await reuse(db.prisma, run, policy, scheduleOf(policy), 'cpu')).toBeNull(); // another backend family
    const r = await reuse(db.prisma, run, policy, scheduleOf(policy), 'wasm');
    expect(r).toMatchObject({ reusedFromId: source, testAccuracy: 0.55, decision: { status: 'FAILED' } });
    const s = await row(id);
    expect(s).toMatchObject({ status: 'FAILED', reusedFromId: source });
    expect(s.errorMessage).toBe('Test accuracy 55.0% is below the required 60.0% (result reused from an identical earlier submission).');
    expect(await db.prisma.epochMetric.count({ where: { submissionId: id, attempt: c.attempt } })).toBe(1);
    // The copied row points at the same object: reuse stores nothing twice.
    const [copied] = await db.prisma.artifact.findMany({ where: { submissionId: id } });
    const [original] = await db.prisma.artifact.findMany({ where: { submissionId: source } });
    expect(copied!.storageKey).toBe(original!.storageKey);
  });

  it('reads the policy it decides with from the database row (the same mapping everywhere)', async () => {
    const rowPolicy = policyFromRow(await db.prisma.gradingPolicy.findUniqueOrThrow({ where: { exerciseId: cls.exerciseId } }));
    expect(rowPolicy).toEqual(cls.policy);
  });
});
