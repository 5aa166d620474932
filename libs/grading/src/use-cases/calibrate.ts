import {
  DomainError,
  gradingWork,
  ZCalibrationVariant,
  type TCalibrationState,
  type TCalibrationSuggestion,
  type TCalibrationVariant,
  type TCalibrationView,
  type TGradingPolicy,
} from '@epoch/contracts';
import { policyFromRow, type EpochPrismaClient } from '@epoch/db';
import { forwardMacs } from '@epoch/model-spec';
import type { TGradingDeps } from '../deps';
import { countedAccuracy, decide, percentsApart, seedRunsOf } from '../lifecycle/decide';
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

/** "the reference solution" or "the wrong variant 'no-dropout'": what a calibration trained, for messages. */
const subjectOf = (variant: string | null) => (variant === null ? 'the reference solution' : `the wrong variant '${variant}'`);

/**
 * Calibrates an exercise's pass mark: its reference solution (solutionCode), or one of the wrong variants it lists
 * (`variant`, a name in calibrationVariants), is checked like a submission and trained with `seeds` seeds (the
 * policy's seed and the following ones), one CALIBRATION run each, queued below every graded and practice run
 * (queue-order.ts). The runs belong to the requesting staff member and never count against a quota.
 */
export async function startCalibration(
  deps: TGradingDeps,
  input: {
    exercise: TExerciseRef & { solutionCode: string; calibrationVariants?: unknown };
    seeds: number;
    userId: string | null;
    /** A wrong variant's name; absent or null: the reference solution. */
    variant?: string | null;
  },
): Promise<{ calibrationId: string; runs: string[] }> {
  const { prisma } = deps;
  const { exercise, seeds } = input;
  const variantName = input.variant ?? null;
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 50)
    throw new DomainError('invalid', 'bad_seeds', `seeds must be a whole number from 1 to 50, got ${seeds}`);
  let code = exercise.solutionCode;
  let what = `the reference solution of "${exercise.slug}"`;
  if (variantName !== null) {
    const listed = calibrationVariantsOf(exercise.calibrationVariants);
    const variant = listed.find((v) => v.name === variantName);
    if (!variant) {
      throw new DomainError(
        'invalid',
        'unknown_variant',
        `exercise "${exercise.slug}" has no calibration variant "${variantName}"; ` +
          (listed.length ? `its variants: ${listed.map((v) => v.name).join(', ')}` : 'it lists none (calibrationVariants in its exercise.yaml)'),
      );
    }
    code = variant.code;
    what = `the wrong variant "${variant.name}" of "${exercise.slug}" (${variant.file})`;
  }
  if (!exercise.policy) throw new DomainError('conflict', 'no_policy', `exercise "${exercise.slug}" has no grading policy yet`);
  const policy = exercise.policy;
  const report = checkSubmission(exercise, code);
  if (!report.ok || !report.spec || !report.hash) {
    const first = report.errors[0];
    throw new DomainError(
      'conflict',
      variantName === null ? 'solution_invalid' : 'variant_invalid',
      `${what} does not pass the exercise's checks${first ? ` (line ${first.line}: ${first.message})` : ''}`,
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
      data: { exerciseId: exercise.id, variant: variantName, seeds, firstSeed: policy.seed, policyVersion: policy.version, requestedById: input.userId },
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
            source: code,
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
  for (const r of runs) await enqueueSubmission(deps, r, r.workMacs);
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

/** A calibration with its runs as calibrationOf reads it (each run's accuracy the one that counts, null until trained). */
export interface TCalibrationRuns {
  id: string;
  createdAt: Date;
  variant: string | null;
  seeds: number;
  policyVersion: number;
  runs: { seed: number; status: string; testAccuracy: number | null }[];
}

/** Whether `accuracy` passes the pass mark `mark`: decide(), the one rule, with the policy's mark replaced. */
function passesAt(accuracy: number, policy: TGradingPolicy, mark: number = policy.minTestAccuracy): boolean {
  const at = { ...policy, minTestAccuracy: mark };
  return decide({ testAccuracy: accuracy }, at, scheduleOf(at)).status === 'PASSED';
}

/**
 * One calibration as the policy page shows it: each seed's run, the distribution of the trained ones (min, 5th
 * percentile, median, max), how many pass and fail the current pass mark (decide()) and, for the reference solution, a
 * suggested mark (the lowest seed minus CALIBRATION_MARGIN).
 */
export function calibrationOf(c: TCalibrationRuns, policy: TGradingPolicy): TCalibrationView {
  const values = c.runs.flatMap((r) => (r.testAccuracy === null ? [] : [r.testAccuracy])).sort((a, b) => a - b);
  const passing = values.filter((v) => passesAt(v, policy)).length;
  const failing = values.length - passing;
  const distribution = values.length
    ? { min: values[0] as number, p5: percentile(values, 5), median: median(values) as number, max: values[values.length - 1] as number, values }
    : null;
  const reference = c.variant === null;
  const suggested = distribution && reference ? Math.max(0, Math.floor((distribution.min - CALIBRATION_MARGIN) * 1000 + 1e-6) / 1000) : null;
  const toTrain = values.length < c.seeds ? ` (${c.seeds - values.length} still to train)` : '';
  const spread = distribution ? `lowest ${pct(distribution.min)}, median ${pct(distribution.median)}, highest ${pct(distribution.max)}` : '';
  const summary = !distribution
    ? `Calibration of ${c.seeds} seeds${reference ? '' : ` of ${subjectOf(c.variant)}`} queued; no seed is trained yet.`
    : reference
      ? `With a pass mark of ${pct(policy.minTestAccuracy)}, the reference solution fails for ${failing} of ${values.length} seeds${toTrain}; ${spread}. ` +
        `Suggested pass mark: ${pct(suggested as number)} (the lowest seed minus ${pct(CALIBRATION_MARGIN)}).`
      : `With a pass mark of ${pct(policy.minTestAccuracy)}, ${subjectOf(c.variant)} passes for ${passing} of ${values.length} seeds${toTrain}; ${spread}.`;
  return {
    id: c.id,
    createdAt: c.createdAt.toISOString(),
    variant: c.variant,
    seeds: c.seeds,
    policyVersion: c.policyVersion,
    runs: c.runs,
    done: values.length,
    distribution,
    passMark: policy.minTestAccuracy,
    failing,
    passing,
    suggestedPassMark: suggested,
    summary,
  };
}

/**
 * The pass mark suggested from the reference solution's calibration and the wrong variants' together (null until
 * both have a trained seed). The reference's own suggestion (its lowest seed minus the margin) stands when it fails
 * every wrong seed; when the wrong variants' highest seed passes it but stays below the reference's lowest, the mark
 * goes halfway between the two; when it reaches the reference's lowest, no mark separates them and the summary says so.
 * Every comparison is decide()'s.
 */
export function calibrationSuggestion(
  reference: TCalibrationView | null,
  variants: readonly { name: string; calibration: TCalibrationView | null }[],
  policy: TGradingPolicy,
): TCalibrationSuggestion | null {
  const lo = reference?.distribution?.min;
  const base = reference?.suggestedPassMark;
  if (lo === undefined || base === undefined || base === null) return null;
  let closest: TCalibrationSuggestion['closest'] | null = null;
  for (const v of variants) {
    for (const r of v.calibration?.runs ?? []) {
      if (r.testAccuracy !== null && (closest === null || r.testAccuracy > closest.testAccuracy)) {
        closest = { variant: v.name, seed: r.seed, testAccuracy: r.testAccuracy };
      }
    }
  }
  if (!closest) return null;
  const hi = closest.testAccuracy;
  const wrong = `the wrong variants' highest seed (${pct(hi)}, '${closest.variant}' with seed ${closest.seed})`;
  if (!passesAt(hi, policy, base)) {
    return {
      passMark: base,
      separates: true,
      closest,
      summary:
        `Suggested pass mark: ${pct(base)}. It passes every seed of the reference solution (lowest ${pct(lo)}) and fails every seed of the wrong variants; ` +
        `${wrong} is ${(100 * (base - hi)).toFixed(1)} points below it.`,
    };
  }
  if (!passesAt(hi, policy, lo)) {
    // hi < lo: a mark between them separates, with less than the margin on one side; the half-way point, as round as it stays between.
    const mid = (hi + lo) / 2;
    const mark =
      [Math.floor(mid * 1000) / 1000, Math.ceil(mid * 1000) / 1000, Math.floor(mid * 10000) / 10000, Math.ceil(mid * 10000) / 10000].find(
        (m) => passesAt(lo, policy, m) && !passesAt(hi, policy, m),
      ) ?? mid;
    const p = percentsApart([hi, mark, lo], 3);
    return {
      passMark: mark,
      separates: true,
      closest,
      summary:
        `Suggested pass mark: ${p(mark)}, halfway between the wrong variants' highest seed (${p(hi)}, '${closest.variant}' with seed ${closest.seed}) ` +
        `and the reference solution's lowest seed (${p(lo)}). ` +
        `The reference solution's own suggestion, ${pct(base)}, would pass '${closest.variant}' for ${countPassing(variants, closest.variant, policy, base)}; ` +
        `the two are less than ${pct(CALIBRATION_MARGIN)} apart, so an unlucky seed can still land on the wrong side.`,
    };
  }
  const passingAtBase = variants
    .filter((v) => v.calibration?.distribution && v.calibration.distribution.values.some((x) => passesAt(x, policy, base)))
    .map((v) => `'${v.name}' for ${countPassing(variants, v.name, policy, base)}`);
  return {
    passMark: base,
    separates: false,
    closest,
    summary:
      `No pass mark separates the wrong variants from the reference solution: ${wrong} reaches the reference solution's lowest seed (${pct(lo)}). ` +
      `At ${pct(base)} (the reference solution's suggestion) the wrong variants pass: ${passingAtBase.join(', ')}. ` +
      'A pass mark alone cannot tell them apart.',
  };
}

/** "2 of 5 seeds": how many trained seeds of a variant's latest calibration pass the mark. */
function countPassing(variants: readonly { name: string; calibration: TCalibrationView | null }[], name: string, policy: TGradingPolicy, mark: number): string {
  const values = variants.find((v) => v.name === name)?.calibration?.distribution?.values ?? [];
  return `${values.filter((x) => passesAt(x, policy, mark)).length} of ${values.length} seeds`;
}

/**
 * The calibration state of an exercise as the policy page shows it: the reference solution's latest calibration (null
 * when never calibrated), each wrong variant the exercise lists with its latest calibration, and the suggestion that
 * weighs them.
 */
export async function calibrationView(prisma: EpochPrismaClient, exerciseId: string): Promise<TCalibrationState> {
  const exercise = await prisma.exercise.findUniqueOrThrow({ where: { id: exerciseId }, select: { policy: true, calibrationVariants: true } });
  // The newest calibration of the reference solution and of each variant.
  const latest = await prisma.calibration.findMany({
    where: { exerciseId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    distinct: ['variant'],
    include: {
      runs: { select: { seed: true, status: true, result: { select: { testAccuracy: true, seedRuns: true, heldOut: true } } }, orderBy: { seed: 'asc' } },
    },
  });
  const variants = calibrationVariantsOf(exercise.calibrationVariants);
  if (latest.length === 0) {
    return {
      calibration: null,
      variants: variants.map((v) => ({ name: v.name, description: v.description, file: v.file, calibration: null })),
      suggestion: null,
    };
  }
  if (!exercise.policy) throw new DomainError('conflict', 'no_policy', 'the exercise has no grading policy');
  const policy: TGradingPolicy = policyFromRow(exercise.policy);
  const view = (variant: string | null): TCalibrationView | null => {
    const c = latest.find((x) => x.variant === variant);
    if (!c) return null;
    const runs = c.runs.map((r) => {
      const counted = r.result ? (seedRunsOf(r.result)[0]?.testAccuracy ?? countedAccuracy(r.result)) : null;
      return { seed: r.seed ?? c.firstSeed, status: r.status, testAccuracy: counted };
    });
    return calibrationOf({ ...c, runs }, policy);
  };
  const reference = view(null);
  const states = variants.map((v) => ({ name: v.name, description: v.description, file: v.file, calibration: view(v.name) }));
  return { calibration: reference, variants: states, suggestion: calibrationSuggestion(reference, states, policy) };
}
