import { writeAudit } from '@epoch/db';
import { upsertEnrollment } from '../repositories/course.repository';
import { inTransaction, type TDb } from '@epoch/db';
import { courseAndUserOfRole } from './course-and-user';

/** Makes a user (account role INSTRUCTOR) an instructor of the course; repeating it is harmless. */
export async function assignInstructor(
  db: TDb,
  actorId: string,
  input: { courseSlug: string; userId: string },
): Promise<{ courseSlug: string; userId: string; role: 'INSTRUCTOR' }> {
  const { course, user } = await courseAndUserOfRole(db, input.courseSlug, input.userId, 'INSTRUCTOR');
  await inTransaction(db, async (tx) => {
    await upsertEnrollment(tx, { userId: user.id, courseId: course.id, role: 'INSTRUCTOR', existing: 'set-role', joinedVia: 'STAFF' });
    await writeAudit(tx, { actorId, action: 'course.assign-instructor', entityType: 'Course', entityId: course.id, data: { userId: user.id } });
  });
  return { courseSlug: course.slug, userId: user.id, role: 'INSTRUCTOR' };
}
