import type { CourseRole } from '@epoch/db';
import { InvalidError } from '@epoch/contracts';
import { findCourseByEnrollmentCode, upsertEnrollment } from '../repositories/course.repository';
import type { TDb } from '@epoch/db';

/** A student joins a course with its enrollment code (any case; joining again is harmless). */
export async function joinCourse(db: TDb, userId: string, enrollmentCode: string): Promise<{ slug: string; title: string; role: CourseRole }> {
  const course = await findCourseByEnrollmentCode(db, enrollmentCode.toUpperCase());
  if (!course) throw new InvalidError('no course has this enrollment code', [{ path: 'enrollmentCode', message: 'unknown code' }], 'invalid_enrollment_code');
  const e = await upsertEnrollment(db, { userId, courseId: course.id, role: 'STUDENT', existing: 'keep' });
  return { slug: course.slug, title: course.title, role: e.role };
}
