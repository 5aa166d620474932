import type { TEnrollmentView } from '@epoch/contracts';
import { writeAudit } from '@epoch/db';
import { upsertEnrollment } from '../repositories/course.repository';
import { inTransaction, type TDb } from '@epoch/db';
import { courseAndUserOfRole } from './course-and-user';
import { enrollmentView } from './course-view';

/** Enrolls an existing student account in the course; repeating it is harmless. Instructors are assigned instead. */
export async function enrollStudent(db: TDb, actorId: string, input: { courseSlug: string; userId: string }): Promise<TEnrollmentView> {
  const { course, user } = await courseAndUserOfRole(db, input.courseSlug, input.userId, 'STUDENT');
  const enrollment = await inTransaction(db, async (tx) => {
    const e = await upsertEnrollment(tx, { userId: user.id, courseId: course.id, role: 'STUDENT', existing: 'keep', joinedVia: 'STAFF' });
    await writeAudit(tx, { actorId, action: 'course.enroll-student', entityType: 'Course', entityId: course.id, data: { userId: user.id } });
    return e;
  });
  return enrollmentView(enrollment);
}
