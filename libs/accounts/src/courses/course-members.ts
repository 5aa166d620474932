import type { TCourseMembers, TEnrollmentSettings, TEnrollmentSettingsRequest } from '@epoch/contracts';
import { ForbiddenError, NotFoundError } from '@epoch/contracts';
import { inTransaction, writeAudit, type Course, type TDb } from '@epoch/db';
import { deleteEnrollment, findCourseBySlug, membersOf, membershipOf, updateEnrollmentSettings } from '../repositories/course.repository';
import { newEnrollmentCode, enrollmentView } from './course-view';
import { requireCourseStaff, type TCaller } from './course-staff';

const settingsOf = (c: Course): TEnrollmentSettings => ({
  enrollmentCode: c.enrollmentCode,
  codeEnabled: c.enrollmentCodeEnabled,
  opensAt: c.enrollmentOpensAt?.toISOString() ?? null,
  closesAt: c.enrollmentClosesAt?.toISOString() ?? null,
});

/** The course's enrollment settings and everyone in it, newest first, with how and when they joined (course staff). */
export async function courseMembers(db: TDb, caller: TCaller, slug: string): Promise<TCourseMembers> {
  const course = await requireCourseStaff(db, caller, slug);
  const members = await membersOf(db, course.id);
  return {
    slug: course.slug,
    title: course.title,
    enrollment: settingsOf(course),
    members: members.map((m) => ({ ...enrollmentView(m), joinedVia: m.joinedVia })),
  };
}

/** Turns the code on or off and sets the enrollment window (course staff); audited with old and new values. */
export async function updateEnrollment(db: TDb, caller: TCaller, slug: string, input: TEnrollmentSettingsRequest): Promise<TEnrollmentSettings> {
  const course = await requireCourseStaff(db, caller, slug);
  return inTransaction(db, async (tx) => {
    const updated = await updateEnrollmentSettings(tx, course.id, {
      enrollmentCodeEnabled: input.codeEnabled,
      enrollmentOpensAt: input.opensAt ? new Date(input.opensAt) : null,
      enrollmentClosesAt: input.closesAt ? new Date(input.closesAt) : null,
    });
    await writeAudit(tx, {
      actorId: caller.userId,
      action: 'course.enrollment-settings',
      entityType: 'Course',
      entityId: course.id,
      data: { old: settingsOf(course), new: settingsOf(updated) },
    });
    return settingsOf(updated);
  });
}

/** A new random enrollment code (the old one stops working at once); course staff; audited. */
export async function regenerateEnrollmentCode(db: TDb, caller: TCaller, slug: string): Promise<TEnrollmentSettings> {
  const course = await requireCourseStaff(db, caller, slug);
  return inTransaction(db, async (tx) => {
    const updated = await updateEnrollmentSettings(tx, course.id, { enrollmentCode: newEnrollmentCode() });
    await writeAudit(tx, { actorId: caller.userId, action: 'course.enrollment-code', entityType: 'Course', entityId: course.id, data: { regenerated: true } });
    return settingsOf(updated);
  });
}

/**
 * Removes someone from the course (course staff; instructors remove students, admins anyone). Their submissions and
 * results are kept: they belong to the user and the exercise, and come back if the user joins again.
 */
export async function removeMember(db: TDb, caller: TCaller, slug: string, userId: string): Promise<void> {
  const course = await requireCourseStaff(db, caller, slug);
  const m = await membershipOf(db, userId, course.id);
  if (!m) throw new NotFoundError(`that user is not in course "${slug}"`);
  if (m.role === 'INSTRUCTOR' && caller.role !== 'ADMIN') throw new ForbiddenError('only admins may remove an instructor');
  await inTransaction(db, async (tx) => {
    await deleteEnrollment(tx, userId, course.id);
    await writeAudit(tx, { actorId: caller.userId, action: 'course.remove-member', entityType: 'Course', entityId: course.id, data: { userId, role: m.role } });
  });
}

/** The caller leaves a course they are a student of (their submissions and results are kept); audited. */
export async function leaveCourse(db: TDb, userId: string, slug: string): Promise<void> {
  const course = await findCourseBySlug(db, slug);
  const m = course ? await membershipOf(db, userId, course.id) : null;
  if (!course || !m) throw new NotFoundError(`you are not in course "${slug}"`);
  if (m.role !== 'STUDENT') throw new ForbiddenError("an instructor cannot leave the course; an admin can change the course's instructors");
  await inTransaction(db, async (tx) => {
    await deleteEnrollment(tx, userId, course.id);
    await writeAudit(tx, { actorId: userId, action: 'course.leave', entityType: 'Course', entityId: course.id, data: { userId } });
  });
}
