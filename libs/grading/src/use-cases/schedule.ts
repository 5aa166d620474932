import {
  DomainError,
  SCHEDULE_FIELDS,
  ZGradingPolicy,
  type TCourseTimeZone,
  type TMySchedule,
  type TScheduleRequest,
  type TScheduleView,
  type TStudentExceptionList,
  type TStudentExceptionRequest,
  type TStudentExceptionView,
} from '@epoch/contracts';
import { policyFromRow, writeAudit, type EpochPrismaClient, type StudentException, type TDb } from '@epoch/db';
import { redecide } from '../lifecycle/lifecycle';
import { closesAt, creditAt, scheduleOf, windowAt, withException, type TSchedule } from '../lifecycle/schedule';
import { scheduleChanged } from '../policy/policy-history';
import { changePolicy } from './update-policy';
import { policyRowOf, type TExerciseRef } from './submit';

/** An exercise with what the schedule's use cases read: its course (slug, time zone) and live policy. */
export type TScheduledExercise = TExerciseRef & { courseId: string; course: { slug: string; timeZone: string } };

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** The schedule part of an exercise's live policy, as staff edit it. */
export function scheduleView(exercise: TScheduledExercise, redecided?: TScheduleView['redecided']): TScheduleView {
  const row = policyRowOf(exercise);
  const policy = policyFromRow(row);
  return {
    exerciseSlug: exercise.slug,
    courseSlug: exercise.course.slug,
    timeZone: exercise.course.timeZone,
    version: row.version,
    schedule: Object.fromEntries(SCHEDULE_FIELDS.map((f) => [f, policy[f]])) as TScheduleView['schedule'],
    ...(redecided ? { redecided } : {}),
  };
}

/**
 * Replaces an exercise's schedule (course staff: instructors and admins; thresholds, limits and costs stay with the
 * admins' policy edits). A new version of the one policy record, through changePolicy: history, audit entry, and the
 * stored results re-decided (late marks and credit) in the same transaction.
 */
export async function updateSchedule(
  prisma: EpochPrismaClient,
  exercise: TScheduledExercise,
  actorId: string,
  request: TScheduleRequest,
): Promise<TScheduleView> {
  const current = policyFromRow(policyRowOf(exercise));
  const next = ZGradingPolicy.parse({ ...current, ...request });
  if (!scheduleChanged(current, next)) return scheduleView(exercise, { passedToFailed: 0, failedToPassed: 0, recredited: 0 });
  const { row, redecided, recredited } = await prisma.$transaction((tx) => changePolicy(tx, exercise, actorId, next, { source: 'WEB' }));
  return scheduleView({ ...exercise, policy: row }, { ...redecided, recredited });
}

type TExceptionRow = StudentException & { user: { id: string; email: string; name: string } };

function exceptionView(e: TExceptionRow): TStudentExceptionView {
  return {
    userId: e.user.id,
    email: e.user.email,
    name: e.user.name,
    deadline: iso(e.deadline),
    extraSubmissions: e.extraSubmissions,
    dailyQuota: e.dailyQuota,
    totalQuota: e.totalQuota,
    note: e.note,
    version: e.version,
    updatedAt: e.updatedAt.toISOString(),
  };
}

const exceptionValues = (e: StudentException | null) =>
  e && { deadline: iso(e.deadline), extraSubmissions: e.extraSubmissions, dailyQuota: e.dailyQuota, totalQuota: e.totalQuota, note: e.note };

/** The exercise's student exceptions (extensions, quota overrides), by email. */
export async function listExceptions(db: TDb, exercise: Pick<TScheduledExercise, 'id' | 'slug'>): Promise<TStudentExceptionList> {
  const rows = await db.studentException.findMany({
    where: { exerciseId: exercise.id },
    include: { user: { select: { id: true, email: true, name: true } } },
    orderBy: { user: { email: 'asc' } },
  });
  return { exerciseSlug: exercise.slug, items: rows.map(exceptionView) };
}

async function requireStudent(db: TDb, courseId: string, userId: string): Promise<void> {
  const e = await db.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  if (e?.role !== 'STUDENT') throw new DomainError('not_found', 'not_a_student', `user ${userId} is not a student of this course`);
}

/**
 * Sets a student's exception for an exercise (course staff): their own deadline, extra submissions, quota overrides.
 * In one transaction: the row (version bumped; optimistic on the version read), an audit entry with old and new
 * values (`exception.update`), and the student's stored results re-decided under their new schedule.
 */
export async function setStudentException(
  prisma: EpochPrismaClient,
  exercise: TScheduledExercise,
  actorId: string,
  userId: string,
  request: TStudentExceptionRequest,
): Promise<TStudentExceptionView & { recredited: number }> {
  await requireStudent(prisma, exercise.courseId, userId);
  const policy = policyFromRow(policyRowOf(exercise));
  return prisma.$transaction(async (tx) => {
    const old = await tx.studentException.findUnique({ where: { exerciseId_userId: { exerciseId: exercise.id, userId } } });
    const data = { ...request, deadline: request.deadline === null ? null : new Date(request.deadline), updatedById: actorId };
    if (old) {
      const n = await tx.studentException.updateMany({ where: { id: old.id, version: old.version }, data: { ...data, version: old.version + 1 } });
      if (n.count !== 1)
        throw new DomainError('conflict', 'exception_changed', "the student's exception was changed meanwhile; reload it and apply your change again");
    } else {
      await tx.studentException.create({ data: { ...data, exerciseId: exercise.id, userId } });
    }
    const row = await tx.studentException.findUniqueOrThrow({
      where: { exerciseId_userId: { exerciseId: exercise.id, userId } },
      include: { user: { select: { id: true, email: true, name: true } } },
    });
    const r = await redecide(tx, exercise.id, policy, scheduleOf(policy), undefined, { userId });
    await writeAudit(tx, {
      actorId,
      action: 'exception.update',
      entityType: 'Exercise',
      entityId: exercise.id,
      data: {
        userId,
        version: row.version,
        old: exceptionValues(old),
        new: exceptionValues(row),
        redecided: { toPassed: r.toPassed, toFailed: r.toFailed, recredited: r.recredited },
      },
    });
    return { ...exceptionView(row), recredited: r.recredited.length + r.toPassed.length + r.toFailed.length };
  });
}

/** Removes a student's exception (course staff): audited, their stored results re-decided under the exercise's schedule. */
export async function deleteStudentException(
  prisma: EpochPrismaClient,
  exercise: TScheduledExercise,
  actorId: string,
  userId: string,
): Promise<{ deleted: boolean }> {
  const policy = policyFromRow(policyRowOf(exercise));
  return prisma.$transaction(async (tx) => {
    const old = await tx.studentException.findUnique({ where: { exerciseId_userId: { exerciseId: exercise.id, userId } } });
    if (!old) return { deleted: false };
    await tx.studentException.delete({ where: { id: old.id } });
    const r = await redecide(tx, exercise.id, policy, scheduleOf(policy), undefined, { userId });
    await writeAudit(tx, {
      actorId,
      action: 'exception.delete',
      entityType: 'Exercise',
      entityId: exercise.id,
      data: { userId, version: old.version, old: exceptionValues(old), redecided: { toPassed: r.toPassed, toFailed: r.toFailed, recredited: r.recredited } },
    });
    return { deleted: true };
  });
}

/** A student's schedule for an exercise: the exercise's with their extension, and their exception (null: none). */
export async function studentSchedule(
  db: TDb,
  exercise: { id: string; policy: TExerciseRef['policy']; slug: string },
  userId: string,
): Promise<{ schedule: TSchedule; exception: StudentException | null }> {
  const exception = await db.studentException.findUnique({ where: { exerciseId_userId: { exerciseId: exercise.id, userId } } });
  return { schedule: withException(scheduleOf(policyRowOf(exercise)), exception), exception };
}

/** A student's effective deadline for an exercise (their extension's, else the exercise's; null: none). */
export async function effectiveDeadline(db: TDb, exerciseId: string, userId: string): Promise<Date | null> {
  const exercise = await db.exercise.findUnique({ where: { id: exerciseId }, include: { policy: true } });
  if (!exercise?.policy) return null;
  return (await studentSchedule(db, exercise, userId)).schedule.deadline;
}

/**
 * Every enrolled student's effective deadline for an exercise, by user id (deadline reminders): the exercise's, or
 * their extension's.
 */
export async function effectiveDeadlines(db: TDb, exerciseId: string): Promise<Map<string, Date | null>> {
  const exercise = await db.exercise.findUnique({ where: { id: exerciseId }, include: { policy: true } });
  if (!exercise?.policy) return new Map();
  const base = scheduleOf(exercise.policy);
  const [students, exceptions] = await Promise.all([
    db.enrollment.findMany({ where: { courseId: exercise.courseId, role: 'STUDENT' }, select: { userId: true } }),
    db.studentException.findMany({ where: { exerciseId } }),
  ]);
  const byUser = new Map(exceptions.map((e) => [e.userId, e]));
  return new Map(students.map((s) => [s.userId, withException(base, byUser.get(s.userId)).deadline]));
}

/** What a student is shown of their own schedule: their deadline, the late credit, when it closes, what now counts for. */
export async function mySchedule(db: TDb, exercise: TScheduledExercise, userId: string, now = new Date()): Promise<TMySchedule> {
  const { schedule, exception } = await studentSchedule(db, exercise, userId);
  const exerciseDeadline = scheduleOf(policyRowOf(exercise)).deadline;
  return {
    timeZone: exercise.course.timeZone,
    opensAt: iso(schedule.opensAt),
    deadline: iso(schedule.deadline),
    exerciseDeadline: schedule.extended ? iso(exerciseDeadline) : null,
    extended: schedule.extended ?? false,
    latePolicy: schedule.latePolicy,
    lateCredit: schedule.lateCredit ?? null,
    closesAt: iso(closesAt(schedule)),
    window: windowAt(schedule, now),
    creditNow: creditAt(schedule, now),
    extraSubmissions: exception?.extraSubmissions ?? 0,
  };
}

/** Sets the course's time zone (course staff; validated at the edge with ZTimeZone); audited with old and new. */
export async function setCourseTimeZone(
  prisma: EpochPrismaClient,
  course: { id: string; slug: string; timeZone: string },
  actorId: string,
  timeZone: string,
): Promise<TCourseTimeZone> {
  return prisma.$transaction(async (tx) => {
    await tx.course.update({ where: { id: course.id }, data: { timeZone } });
    await writeAudit(tx, { actorId, action: 'course.time-zone', entityType: 'Course', entityId: course.id, data: { old: course.timeZone, new: timeZone } });
    return { courseSlug: course.slug, timeZone };
  });
}
