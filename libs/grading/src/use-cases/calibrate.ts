import { DomainError, gradingWork, ZCalibrationVariant, type TCalibrationVariant, type TCalibrationView, type TGradingPolicy } from '@epoch/contracts';
import { policyFromRow, type EpochPrismaClient } from '@epoch/db';
import { forwardMacs } from '@epoch/model-spec';
import type { TGradingDeps } from '../deps';
import { countedAccuracy, decide, seedRunsOf } from '../lifecycle/decide';
import { createSubmission } from '../lifecycle/lifecycle';
import { scheduleOf } from '../lifecycle/schedule';
import { nthSeed } from '../policy/seeds';
import { median } from './class-results';
import { enqueueSubmission } from './enqueue';
import { checkSubmission, specHashOf, type TExerciseRef } from './submit';

/** How far below the lowest seed's accuracy the suggested pass mark lies. */
export const CALIBRATION_MARGIN = 0.01;

/** The wrong variants an exercise lists (its calibrationVariants column, read defensively: none when unreadable). */
export function calibrationVariantsOf(stored: unknown): TCalibrationVariant[] {
  const parsed = ZCalibrationVariant.array().safeParse(stored);
  return parsed.success ? parsed.data : [];
}

/**
 * Calibrates an exercise's pass mark: its reference solution (solutionCode) is checked like a submission and trained
 * with `seeds` seeds (the policy's seed and the following ones), one CALIBRATION run each, queued below every graded
 * and practice run (queue-order.ts). The runs belong to the requesting staff member and never count against a quota.
 */
export async function startCalibration(
  deps: TGradingDeps,
  input: { exercise: TExerciseRef & { solutionCode: string }; seeds: number; userId: string | null },
): Promise<{ calibrationId: string; runs: string[] }> {
  const { prisma } = deps;
  const { exercise, seeds } = input;
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 50)
    throw new DomainError('invalid', 'bad_seeds', `seeds must be a whole number from 1 to 50, got ${seeds}`);
  if (!exercise.policy) throw new DomainError('conflict', 'no_policy', `exercise "${exercise.slug}" has no grading policy yet`);
  const policy = exercise.policy;
  const report = checkSubmission(exercise, exercise.solutionCode);
  if (!report.ok || !report.spec || !report.hash) {
    const first = report.errors[0];
    throw new DomainError(
      'conflict',
      'solution_invalid',
      `the reference solution of "${exercise.slug}" does not pass the exercise's checks${first ? ` (line ${first.line}: ${first.message})` : ''}`,
    );
  }
  const macs = forwardMacs(report.spec);
  const workMacs =
    macs === null ? null : gradingWork({ forwardMacs: macs, epochs: report.spec.epochs, limitTrain: policy.limitTrain, limitTest: policy.limitTest });
  // The runs' owner: the requester, or (from the command line) the exercise's course's first admin-role member.
  const owner =
    input.userId ?? (await prisma.user.findFirst({ where: { role: 'ADMIN', deactivatedAt: null }, orderBy: { createdAt: 'asc' }, select: { id: true } }))?.id;
  if (!owner) throw new DomainError('conflict', 'no_admin', 'a calibration needs an admin account to own its runs; create one first');
  const now = new Date();
  const { calibration, runs } = await prisma.$transaction(async (tx) => {
    const calibration = await tx.calibration.create({
      data: { exerciseId: exercise.id, seeds, firstSeed: policy.seed, policyVersion: policy.version, requestedById: input.userId },
    });
    const runs = [];
    for (let i = 0; i < seeds; i++) {
      const seed = nthSeed(policy.seed, i);
      runs.push(
        await createSubmission(
          tx,
          {
            userId: owner,
            exerciseId: exercise.id,
            kind: 'CALIBRATION',
            calibrationId: calibration.id,
            source: exercise.solutionCode,
            modelSpec: report.spec,
            specHash: specHashOf(report.hash as string, policy, seed),
            workMacs,
            seed,
            idempotencyKey: `calibration-${calibration.id}-${i}`,
            policyVersion: policy.version,
            diagnostics: report.diagnostics,
          },
          'QUEUED',
          now,
        ),
      );
    }
    return { calibration, runs };
  });
  for (const r of runs) await enqueueSubmission(deps, r.id, r.workMacs);
  return { calibrationId: calibration.id, runs: runs.map((r) => r.id) };
}

/** The p-th percentile (0–100) of sorted values, linearly interpolated. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  const at = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * The latest calibration of an exercise as the policy page shows it: each seed's run, the distribution of the trained
 * ones (min, 5th percentile, median, max), how many fail the current pass mark (decide(), the one rule) and a suggested
 * mark (the lowest seed minus CALIBRATION_MARGIN). Null when the exercise was never calibrated.
 */
export async function calibrationView(prisma: EpochPrismaClient, exerciseId: string): Promise<TCalibrationView | null> {
  const c = await prisma.calibration.findFirst({
    where: { exerciseId },
    orderBy: { createdAt: 'desc' },
    include: {
      runs: { select: { seed: true, status: true, result: { select: { testAccuracy: true, seedRuns: true, heldOut: true } } }, orderBy: { seed: 'asc' } },
      exercise: { select: { policy: true } },
    },
  });
  if (!c) return null;
  if (!c.exercise.policy) throw new DomainError('conflict', 'no_policy', 'the exercise has no grading policy');
  const policy: TGradingPolicy = policyFromRow(c.exercise.policy);
  const schedule = scheduleOf(policy);
  const runs = c.runs.map((r) => {
    const counted = r.result ? (seedRunsOf(r.result)[0]?.testAccuracy ?? countedAccuracy(r.result)) : null;
    return { seed: r.seed ?? c.firstSeed, status: r.status, testAccuracy: counted };
  });
  const values = runs.flatMap((r) => (r.testAccuracy === null ? [] : [r.testAccuracy])).sort((a, b) => a - b);
  const failing = values.filter((v) => decide({ testAccuracy: v }, policy, schedule).status === 'FAILED').length;
  const distribution = values.length
    ? { min: values[0] as number, p5: percentile(values, 5), median: median(values) as number, max: values[values.length - 1] as number, values }
    : null;
  const suggested = distribution ? Math.max(0, Math.floor((distribution.min - CALIBRATION_MARGIN) * 1000 + 1e-6) / 1000) : null;
  const summary = distribution
    ? `With a pass mark of ${pct(policy.minTestAccuracy)}, the reference solution fails for ${failing} of ${values.length} seeds` +
      `${values.length < c.seeds ? ` (${c.seeds - values.length} still to train)` : ''}; lowest ${pct(distribution.min)}, median ${pct(distribution.median)}, ` +
      `highest ${pct(distribution.max)}. Suggested pass mark: ${pct(suggested as number)} (the lowest seed minus ${pct(CALIBRATION_MARGIN)}).`
    : `Calibration of ${c.seeds} seeds queued; no seed is trained yet.`;
  return {
    id: c.id,
    createdAt: c.createdAt.toISOString(),
    seeds: c.seeds,
    policyVersion: c.policyVersion,
    runs,
    done: values.length,
    distribution,
    passMark: policy.minTestAccuracy,
    failing,
    suggestedPassMark: suggested,
    summary,
  };
}
