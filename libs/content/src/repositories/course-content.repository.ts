import type { ContentSourceKind, Course, CourseAsset, Exercise, GradingPolicy, Lesson, LessonStep, Prisma, TDb } from '@epoch/db';

/** A course's content as stored (removed lessons, steps and exercises included): what a sync compares the files with. */
export type TStoredCourse = Course & {
  lessons: (Lesson & { steps: LessonStep[] })[];
  exercises: (Exercise & { policy: GradingPolicy | null; _count: { submissions: number } })[];
  assets: Pick<CourseAsset, 'id' | 'path' | 'sha256'>[];
};

/** Locks the course's row for the rest of the transaction (two syncs of one course run one after the other). */
export async function lockCourse(tx: TDb, slug: string): Promise<void> {
  await tx.$queryRaw`select id from courses where slug = ${slug} for update`;
}

export function storedCourse(tx: TDb, slug: string): Promise<TStoredCourse | null> {
  return tx.course.findUnique({
    where: { slug },
    include: {
      lessons: { orderBy: { position: 'asc' }, include: { steps: { orderBy: { position: 'asc' } } } },
      exercises: { orderBy: { position: 'asc' }, include: { policy: true, _count: { select: { submissions: true } } } },
      assets: { select: { id: true, path: true, sha256: true } },
    },
  });
}

export function insertCourse(tx: TDb, c: { slug: string; title: string; description: string; enrollmentCode: string }): Promise<Course> {
  return tx.course.create({ data: c });
}

export async function updateCourse(tx: TDb, id: string, data: { title: string; description: string }): Promise<void> {
  await tx.course.update({ where: { id }, data });
}

export function insertLesson(tx: TDb, l: { courseId: string; slug: string; title: string; position: number }): Promise<Lesson> {
  return tx.lesson.create({ data: l });
}

export async function updateLesson(tx: TDb, id: string, data: Prisma.LessonUpdateInput): Promise<void> {
  await tx.lesson.update({ where: { id }, data });
}

/** A new step with its first version; returns the version's id. */
export async function insertStep(tx: TDb, s: { lessonId: string; slug: string; title: string; position: number; body: string }): Promise<string> {
  const step = await tx.lessonStep.create({ data: { ...s, version: 1 } });
  return (await tx.lessonStepVersion.create({ data: { stepId: step.id, version: 1, title: s.title, body: s.body }, select: { id: true } })).id;
}

/** Updates a step; a new text (title or body) becomes its next version (its id is returned), the earlier ones stay readable. */
export async function updateStep(
  tx: TDb,
  step: LessonStep,
  next: { title: string; body: string; position: number; removedAt: Date | null },
  newVersion: boolean,
): Promise<string | null> {
  const version = newVersion ? step.version + 1 : step.version;
  await tx.lessonStep.update({ where: { id: step.id }, data: { ...next, version } });
  if (!newVersion) return null;
  return (await tx.lessonStepVersion.create({ data: { stepId: step.id, version, title: next.title, body: next.body }, select: { id: true } })).id;
}

/** Marks the step versions a sync wrote as its own. */
export async function linkStepVersions(tx: TDb, ids: string[], syncId: string): Promise<void> {
  if (ids.length) await tx.lessonStepVersion.updateMany({ where: { id: { in: ids } }, data: { syncId } });
}

export async function markStepsRemoved(tx: TDb, ids: string[], at: Date): Promise<void> {
  if (ids.length) await tx.lessonStep.updateMany({ where: { id: { in: ids } }, data: { removedAt: at } });
}

export function insertExercise(
  tx: TDb,
  e: Omit<Prisma.ExerciseUncheckedCreateInput, 'policy'>,
  policy: Omit<Prisma.GradingPolicyUncheckedCreateWithoutExerciseInput, 'version'>,
): Promise<Exercise> {
  return tx.exercise.create({ data: { ...e, policy: { create: { ...policy, version: 1 } } } });
}

export async function updateExercise(tx: TDb, id: string, data: Prisma.ExerciseUncheckedUpdateInput): Promise<void> {
  await tx.exercise.update({ where: { id }, data });
}

export async function recordFirstPolicyVersion(tx: TDb, exerciseId: string, actorId: string | null, policy: Prisma.InputJsonValue): Promise<void> {
  await tx.gradingPolicyChange.create({ data: { exerciseId, version: 1, changedById: actorId, source: 'FILES', oldValues: {}, newValues: policy } });
}

/** Sets the files' policy of an exercise without a new live version (the live policy is kept). */
export async function setFilePolicy(tx: TDb, policyId: string, filePolicy: Prisma.InputJsonValue): Promise<void> {
  await tx.gradingPolicy.update({ where: { id: policyId }, data: { filePolicy } });
}

/** The newest web edit of a policy made after its newest version from the files (the edit a sync would overwrite). */
export function lastWebEdit(tx: TDb, exerciseId: string) {
  return tx.gradingPolicyChange.findFirst({
    where: { exerciseId, source: 'WEB' },
    orderBy: { version: 'desc' },
    include: { changedBy: { select: { name: true, email: true } } },
  });
}

export async function upsertAsset(tx: TDb, courseId: string, a: { path: string; contentType: string; sha256: string; bytes: Buffer }): Promise<void> {
  const data = { contentType: a.contentType, sha256: a.sha256, bytes: new Uint8Array(a.bytes) };
  await tx.courseAsset.upsert({ where: { courseId_path: { courseId, path: a.path } }, create: { courseId, path: a.path, ...data }, update: data });
}

export async function deleteAssets(tx: TDb, ids: string[]): Promise<void> {
  if (ids.length) await tx.courseAsset.deleteMany({ where: { id: { in: ids } } });
}

export function insertSync(
  tx: TDb,
  s: { courseId: string; actorId: string | null; via: string; sourceKind: ContentSourceKind; source: string; revision: string; summary: Prisma.InputJsonValue },
): Promise<{ id: string }> {
  return tx.contentSync.create({ data: s, select: { id: true } });
}

export async function setSyncSummary(tx: TDb, syncId: string, summary: Prisma.InputJsonValue): Promise<void> {
  await tx.contentSync.update({ where: { id: syncId }, data: { summary } });
}

/** A course's stored file (figure, reference run), or null. */
export function findAsset(db: TDb, courseSlug: string, path: string): Promise<Pick<CourseAsset, 'bytes' | 'contentType' | 'sha256'> | null> {
  return db.courseAsset.findFirst({ where: { path, course: { slug: courseSlug } }, select: { bytes: true, contentType: true, sha256: true } });
}

/** Whether an enrollment code is free. */
export async function enrollmentCodeTaken(tx: TDb, code: string): Promise<boolean> {
  return (await tx.course.count({ where: { enrollmentCode: code } })) > 0;
}

export function courseGitSource(db: TDb, courseId: string): Promise<{ contentGitUrl: string | null; contentGitRef: string | null } | null> {
  return db.course.findUnique({ where: { id: courseId }, select: { contentGitUrl: true, contentGitRef: true } });
}

export async function setCourseGitSource(db: TDb, courseId: string, url: string | null, ref: string | null): Promise<void> {
  await db.course.update({ where: { id: courseId }, data: { contentGitUrl: url, contentGitRef: ref } });
}

/** A course's latest syncs, newest first, with who applied them. */
export function recentSyncs(db: TDb, courseId: string, take: number) {
  return db.contentSync.findMany({
    where: { courseId },
    orderBy: { createdAt: 'desc' },
    take,
    include: { actor: { select: { name: true, email: true } } },
  });
}
