import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGradingJob, placeRun, placeRuns } from '@epoch/grading';
import type { RunningProcess } from '../helpers';
import { createExercise, createSubmission, setUpGraderEnv, source, startGrader, waitForStatus, type GraderEnv } from './grader-harness';

/**
 * The queue order (queue-order.ts) with a real grader process, Postgres and Redis: round-robin across students within
 * graded work, graded before practice before calibration, and ranks that stay right under concurrent enqueues.
 */
describe('fair queue: round-robin across students, run classes (real grader, Postgres, Redis, tiny data)', () => {
  let g: GraderEnv;
  let grader: RunningProcess | null = null;
  const log = { warn: () => undefined };
  beforeAll(async () => {
    g = await setUpGraderEnv('fairq');
  });
  afterAll(async () => {
    await grader?.stop();
    await g?.cleanup();
  });

  const newStudent = async (name: string) =>
    (await g.prisma.user.create({ data: { email: `${name}-${randomBytes(4).toString('hex')}@test.epoch`, name, passwordHash: 'x' } })).id;
  const priorities = async (ids: string[]) => Promise.all(ids.map(async (id) => (await findGradingJob(g.queues, id))?.job.priority ?? null));

  it('gives one student concurrent submissions distinct ranks (1, 2, 3, ... in the order they were queued)', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const student = await newStudent('concurrent');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createSubmission(g, ex, source({ epochs: 1 }), { userId: student }));
    // Five enqueues at once: each recomputes the student's ranks under the student's lock.
    await Promise.all(ids.map((id) => placeRun({ prisma: g.prisma, queues: g.queues, log }, id, 'general')));
    expect(await priorities(ids)).toEqual([1, 2, 3, 4, 5]);
    // The first ends (cancelled here): the others move up by one.
    await g.prisma.submission.update({ where: { id: ids[0]! }, data: { status: 'CANCELLED', finishedAt: new Date() } });
    await g.queues.general.remove(ids[0]!);
    expect(await placeRuns({ prisma: g.prisma, queues: g.queues, log }, student, 'GRADED')).toBe(4);
    expect(await priorities(ids.slice(1))).toEqual([1, 2, 3, 4]);
    for (const id of ids.slice(1)) {
      await g.queues.general.remove(id);
      await g.prisma.submission.update({ where: { id }, data: { status: 'CANCELLED', finishedAt: new Date() } });
    }
  }, 60_000);

  it('grades two students round-robin (A1 B1 A2 B2 A3, not first come first served) and practice and calibration runs after graded ones', async () => {
    const ex = await createExercise(g, { minTestAccuracy: 0 });
    const a = await newStudent('alice');
    const b = await newStudent('bob');
    const sub = (userId: string, kind: 'GRADED' | 'PRACTICE' | 'CALIBRATION' = 'GRADED') => createSubmission(g, ex, source({ epochs: 1 }), { userId, kind });
    // Queued in this order: the calibration and practice runs first, then all of Alice's before Bob's.
    const calibration = await sub(a, 'CALIBRATION');
    const practice = await sub(b, 'PRACTICE');
    const [a1, a2, a3] = [await sub(a), await sub(a), await sub(a)];
    const [b1, b2] = [await sub(b), await sub(b)];
    const all = [calibration, practice, a1!, a2!, a3!, b1!, b2!];
    for (const id of all) await placeRun({ prisma: g.prisma, queues: g.queues, log }, id, 'general');
    grader = await startGrader(g);
    for (const id of all) await waitForStatus(g, id, 180_000, undefined, grader);
    const rows = await g.prisma.submission.findMany({ where: { id: { in: all } }, select: { id: true, status: true, startedAt: true } });
    expect(rows.every((r) => r.status === 'PASSED')).toBe(true);
    const order = [...rows].sort((x, y) => x.startedAt!.getTime() - y.startedAt!.getTime()).map((r) => r.id);
    const name = new Map([
      [calibration, 'calibration'],
      [practice, 'practice'],
      [a1, 'A1'],
      [a2, 'A2'],
      [a3, 'A3'],
      [b1, 'B1'],
      [b2, 'B2'],
    ]);
    expect(order.map((id) => name.get(id))).toEqual(['A1', 'B1', 'A2', 'B2', 'A3', 'practice', 'calibration']);
  }, 300_000);
});
