import type { CourseRole, Course, TDb } from '@epoch/db';
import { writeAudit, inTransaction } from '@epoch/db';
import { InvalidError, type TJoinPreview } from '@epoch/contracts';
import { findCourseByEnrollmentCode, membershipOf, upsertEnrollment } from '../repositories/course.repository';

const refuse = (code: string, message: string) => new InvalidError(message, [{ path: 'enrollmentCode', message }], code);

/**
 * The course an enrollment code opens now: the code is matched in any case and without surrounding spaces, and is
 * refused (with what to do) when unknown, turned off, or outside the course's enrollment window.
 */
async function courseForCode(db: TDb, rawCode: string, now = new Date()): Promise<Course> {
  const code = rawCode.trim().toUpperCase();
  const course = code ? await findCourseByEnrollmentCode(db, code) : null;
  if (!course) throw refuse('invalid_enrollment_code', 'no course has this enrollment code; check it with your instructor');
  if (!course.enrollmentCodeEnabled) throw refuse('enrollment_closed', `joining "${course.title}" by code is turned off; ask your instructor`);
  if (course.enrollmentOpensAt && now < course.enrollmentOpensAt) {
    throw refuse('enrollment_not_open', `joining "${course.title}" opens at ${course.enrollmentOpensAt.toISOString()}`);
  }
  if (course.enrollmentClosesAt && now >= course.enrollmentClosesAt) {
    throw refuse('enrollment_closed', `joining "${course.title}" closed at ${course.enrollmentClosesAt.toISOString()}; ask your instructor`);
  }
  return course;
}

/** What a code would join, to confirm first (nothing is written). */
export async function previewJoin(db: TDb, userId: string, code: string): Promise<TJoinPreview> {
  const course = await courseForCode(db, code);
  return { slug: course.slug, title: course.title, description: course.description, member: (await membershipOf(db, userId, course.id)) !== null };
}

/** A student joins a course with its enrollment code (joining again is harmless); audited. */
export async function joinCourse(db: TDb, userId: string, code: string): Promise<{ slug: string; title: string; role: CourseRole }> {
  const course = await courseForCode(db, code);
  return inTransaction(db, async (tx) => {
    const existing = await membershipOf(tx, userId, course.id);
    if (existing) return { slug: course.slug, title: course.title, role: existing.role };
    const e = await upsertEnrollment(tx, { userId, courseId: course.id, role: 'STUDENT', existing: 'keep', joinedVia: 'CODE' });
    await writeAudit(tx, { actorId: userId, action: 'course.join', entityType: 'Course', entityId: course.id, data: { userId, via: 'code' } });
    return { slug: course.slug, title: course.title, role: e.role };
  });
}
