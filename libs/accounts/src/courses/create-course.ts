import type { TCourseAdminView, TCreateCourseRequest } from '@epoch/contracts';
import { ConflictError } from '@epoch/contracts';
import { writeAudit } from '@epoch/db';
import { insertCourse } from '../repositories/course.repository';
import { inTransaction, isUniqueViolation, type TDb } from '@epoch/db';
import { courseView, newEnrollmentCode } from './course-view';

/** Creates an empty course; without an enrollment code a random one is chosen. */
export async function createCourse(db: TDb, actorId: string, input: TCreateCourseRequest): Promise<TCourseAdminView> {
  try {
    const course = await inTransaction(db, async (tx) => {
      const c = await insertCourse(tx, {
        slug: input.slug,
        title: input.title,
        description: input.description,
        enrollmentCode: input.enrollmentCode ?? newEnrollmentCode(),
      });
      await writeAudit(tx, { actorId, action: 'course.create', entityType: 'Course', entityId: c.id, data: { slug: c.slug } });
      return c;
    });
    return courseView(course);
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError('course_exists', 'a course with this slug or enrollment code already exists');
    throw e;
  }
}
