import { randomBytes } from 'node:crypto';
import { ConflictError, type TContentSyncReport, type TGradingPolicy, type TPolicySyncItem } from '@epoch/contracts';
import { policyColumns, policyFromRow, writeAudit, type EpochTransactionClient, type Prisma } from '@epoch/db';
import { calibrationVariantsOf, changePolicy, policyChanges, samePolicy } from '@epoch/grading';
import type { TLoadedCourse } from '../load-content';
import { stepSlug } from '../load-content';
import * as repo from '../repositories/course-content.repository';

export interface TApplyContext {
  actorId: string | null;
  /** The course to write into (the files' slug unless the sync names another). */
  courseSlug: string;
  /** A course that does not exist yet may be created (CLI and seed; the web syncs into an existing course). */
  allowCreate: boolean;
  overwriteEditedPolicies: boolean;
  source: TContentSyncReport['source'];
}

/** Thrown to end a transaction without committing it (a dry run, or nothing to change), carrying the report. */
export class RollBack extends Error {
  constructor(readonly report: TContentSyncReport) {
    super('rolled back');
  }
}

const newCode = () => randomBytes(6).toString('hex').toUpperCase();

/** Parses a stored `filePolicy` (null when absent or not a policy). */
function storedFilePolicy(v: unknown): TGradingPolicy | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as TGradingPolicy) : null;
}

const changed = (before: object, after: object, fields: string[]): string[] =>
  fields.filter((f) => JSON.stringify((before as Record<string, unknown>)[f] ?? null) !== JSON.stringify((after as Record<string, unknown>)[f] ?? null));

/**
 * Writes one loaded course into the database inside the caller's transaction and reports what changed. Lessons,
 * steps and exercises are matched by slug; what the files no longer list is marked removed (steps keep every
 * version, exercises keep their submissions and results). Live grading policies change only through changePolicy,
 * and never silently over an admin's edit in the web app.
 */
export async function applyCourse(
  tx: EpochTransactionClient,
  loaded: TLoadedCourse,
  ctx: TApplyContext,
): Promise<{ report: TContentSyncReport; courseId: string; stepVersions: string[] }> {
  const now = new Date();
  const stepVersions: string[] = [];
  const report: TContentSyncReport = {
    dryRun: false,
    syncId: null,
    source: ctx.source,
    course: { slug: ctx.courseSlug, title: loaded.course.title, created: false, changed: [] },
    lessons: { added: [], changed: [], removed: [] },
    steps: { added: [], changed: [], removed: [] },
    exercises: { added: [], changed: [], removed: [] },
    policies: [],
    assets: { added: [], changed: [], removed: [] },
    unchanged: true,
  };

  await repo.lockCourse(tx, ctx.courseSlug);
  let stored = await repo.storedCourse(tx, ctx.courseSlug);
  if (!stored) {
    if (!ctx.allowCreate) throw new ConflictError('no_course', `there is no course "${ctx.courseSlug}"`);
    const code = loaded.course.enrollmentCode ?? newCode();
    if (await repo.enrollmentCodeTaken(tx, code)) {
      throw new ConflictError('enrollment_code_taken', `another course already uses the enrollment code ${code} (course.yaml: enrollmentCode)`);
    }
    await repo.insertCourse(tx, { slug: ctx.courseSlug, title: loaded.course.title, description: loaded.course.description, enrollmentCode: code });
    stored = (await repo.storedCourse(tx, ctx.courseSlug))!;
    report.course.created = true;
  } else {
    report.course.changed = changed(stored, loaded.course, ['title', 'description']);
    if (report.course.changed.length) await repo.updateCourse(tx, stored.id, { title: loaded.course.title, description: loaded.course.description });
  }
  const courseId = stored.id;

  // Lessons and their steps.
  const lessonsBySlug = new Map(stored.lessons.map((l) => [l.slug, l]));
  for (const lesson of loaded.lessons) {
    const old = lessonsBySlug.get(lesson.slug);
    lessonsBySlug.delete(lesson.slug);
    let lessonId: string;
    if (!old) {
      lessonId = (await repo.insertLesson(tx, { courseId, slug: lesson.slug, title: lesson.title, position: lesson.position })).id;
      report.lessons.added.push({ slug: lesson.slug, title: lesson.title });
    } else {
      lessonId = old.id;
      const fields = changed({ ...old, removed: old.removedAt !== null }, { ...lesson, removed: false }, ['title', 'position', 'removed']);
      if (fields.length) {
        await repo.updateLesson(tx, old.id, { title: lesson.title, position: lesson.position, removedAt: null });
        if (old.removedAt) report.lessons.added.push({ slug: lesson.slug, title: lesson.title });
        else report.lessons.changed.push({ slug: lesson.slug, title: lesson.title, fields });
      }
    }
    const stepsBySlug = new Map((old?.steps ?? []).map((s) => [s.slug, s]));
    for (const step of lesson.steps) {
      const prev = stepsBySlug.get(step.slug);
      stepsBySlug.delete(step.slug);
      const ref = { slug: step.slug, title: step.title, lesson: lesson.slug };
      if (!prev) {
        stepVersions.push(await repo.insertStep(tx, { lessonId, slug: step.slug, title: step.title, position: step.position, body: step.body }));
        report.steps.added.push(ref);
        continue;
      }
      const textFields = changed(prev, step, ['title', 'body']);
      const fields = [...textFields, ...changed(prev, step, ['position'])];
      if (fields.length === 0 && prev.removedAt === null) continue;
      const version = await repo.updateStep(tx, prev, { title: step.title, body: step.body, position: step.position, removedAt: null }, textFields.length > 0);
      if (version) stepVersions.push(version);
      if (prev.removedAt) report.steps.added.push(ref);
      else report.steps.changed.push({ ...ref, fields, version: prev.version + (textFields.length > 0 ? 1 : 0) });
    }
    const gone = [...stepsBySlug.values()].filter((s) => s.removedAt === null);
    await repo.markStepsRemoved(
      tx,
      gone.map((s) => s.id),
      now,
    );
    for (const s of gone) report.steps.removed.push({ slug: s.slug, title: s.title, lesson: lesson.slug });
  }
  for (const old of lessonsBySlug.values()) {
    if (old.removedAt) continue;
    await repo.updateLesson(tx, old.id, { removedAt: now });
    const live = old.steps.filter((s) => s.removedAt === null);
    await repo.markStepsRemoved(
      tx,
      live.map((s) => s.id),
      now,
    );
    report.lessons.removed.push({ slug: old.slug, title: old.title });
    for (const s of live) report.steps.removed.push({ slug: s.slug, title: s.title, lesson: old.slug });
  }

  // Exercises and their grading policies.
  const exercisesBySlug = new Map(stored.exercises.map((e) => [e.slug, e]));
  for (const ex of loaded.exercises) {
    const texts = {
      title: ex.title,
      position: ex.position,
      instructions: ex.instructions,
      starterCode: ex.starterCode,
      solutionCode: ex.solutionCode,
      afterStep: ex.afterStep ? stepSlug(ex.afterStep) : null,
      calibrationVariants: ex.calibrationVariants.map((v) => ({ name: v.name, file: v.file, description: v.description, code: v.code })),
    };
    const old = exercisesBySlug.get(ex.slug);
    exercisesBySlug.delete(ex.slug);
    const filePolicy = ex.policy as unknown as Prisma.InputJsonValue;
    if (!old) {
      const created = await repo.insertExercise(tx, { courseId, slug: ex.slug, ...texts }, { ...policyColumns(ex.policy), filePolicy });
      await repo.recordFirstPolicyVersion(tx, created.id, ctx.actorId, filePolicy);
      await writeAudit(tx, {
        actorId: ctx.actorId,
        action: 'policy.create',
        entityType: 'Exercise',
        entityId: created.id,
        data: { source: 'files', policy: filePolicy },
      });
      report.exercises.added.push({ slug: ex.slug, title: ex.title });
      report.policies.push({
        exercise: ex.slug,
        action: 'created',
        changes: policyChanges({}, ex.policy).changes,
        editedBy: null,
        redecided: { passedToFailed: 0, failedToPassed: 0 },
      });
      continue;
    }
    // The stored variants in the same key order as the files' (jsonb keeps its own), so that equal lists compare equal.
    const stored = { ...old, calibrationVariants: calibrationVariantsOf(old.calibrationVariants) };
    const fields = changed(stored, texts, ['title', 'position', 'instructions', 'starterCode', 'solutionCode', 'afterStep', 'calibrationVariants']);
    if (fields.length || old.removedAt) {
      await repo.updateExercise(tx, old.id, { ...texts, removedAt: null });
      if (old.removedAt) report.exercises.added.push({ slug: ex.slug, title: ex.title });
      else report.exercises.changed.push({ slug: ex.slug, title: ex.title, fields });
    }
    const item = await syncPolicy(tx, old, ex.policy, ctx);
    if (item) report.policies.push(item);
  }
  for (const old of exercisesBySlug.values()) {
    if (old.removedAt) continue;
    await repo.updateExercise(tx, old.id, { removedAt: now });
    report.exercises.removed.push({ slug: old.slug, title: old.title, submissions: old._count.submissions });
  }

  // Figures and reference runs.
  const assetsByPath = new Map(stored.assets.map((a) => [a.path, a]));
  for (const a of loaded.assets) {
    const old = assetsByPath.get(a.path);
    assetsByPath.delete(a.path);
    if (old && old.sha256 === a.sha256) continue;
    await repo.upsertAsset(tx, courseId, a);
    (old ? report.assets.changed : report.assets.added).push(a.path);
  }
  await repo.deleteAssets(
    tx,
    [...assetsByPath.values()].map((a) => a.id),
  );
  report.assets.removed.push(...[...assetsByPath.keys()].sort());

  report.unchanged =
    !report.course.created &&
    report.course.changed.length === 0 &&
    [report.lessons, report.steps, report.exercises, report.assets].every((g) => g.added.length + g.changed.length + g.removed.length === 0) &&
    report.policies.length === 0;
  return { report, courseId, stepVersions };
}

/**
 * One existing exercise's policy against the files'. `filePolicy` (what the files said last time) is the base: the
 * files changed when the new file policy differs from it; an admin edited the live policy in the web app when the live
 * one differs from it. Changed files over an unedited policy apply; over an edited one they are reported and kept
 * out, unless the sync overwrites edited policies.
 */
async function syncPolicy(
  tx: EpochTransactionClient,
  exercise: repo.TStoredCourse['exercises'][number],
  next: TGradingPolicy,
  ctx: TApplyContext,
): Promise<TPolicySyncItem | null> {
  if (!exercise.policy) return null;
  const live = policyFromRow(exercise.policy);
  const base = storedFilePolicy(exercise.policy.filePolicy) ?? live;
  if (samePolicy(base, next)) return null;
  const edited = !samePolicy(live, base);
  const changes = policyChanges(live, next).changes;
  const nextJson = next as unknown as Prisma.InputJsonValue;
  let editedBy: TPolicySyncItem['editedBy'] = null;
  if (edited) {
    const edit = await repo.lastWebEdit(tx, exercise.id);
    if (edit?.changedBy) editedBy = { name: edit.changedBy.name, email: edit.changedBy.email, at: edit.changedAt.toISOString(), version: edit.version };
  }
  if (edited && !ctx.overwriteEditedPolicies) {
    // The admin's policy stays; the files' new values become the base, so the same change is not reported again.
    await repo.setFilePolicy(tx, exercise.policy.id, nextJson);
    return { exercise: exercise.slug, action: 'kept-edited', changes, editedBy, redecided: { passedToFailed: 0, failedToPassed: 0 } };
  }
  if (samePolicy(live, next)) {
    await repo.setFilePolicy(tx, exercise.policy.id, nextJson);
    return null;
  }
  const { redecided } = await changePolicy(tx, exercise, ctx.actorId, next, { source: 'FILES', filePolicy: next });
  return { exercise: exercise.slug, action: edited ? 'overwrote-edited' : 'applied', changes, editedBy, redecided };
}
