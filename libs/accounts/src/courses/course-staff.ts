import { ForbiddenError, NotFoundError } from '@epoch/contracts';
import type { Course, TDb, UserRole } from '@epoch/db';
import { findCourseBySlug, membershipOf } from '../repositories/course.repository';

/** Who is asking, as the course rules need it. */
export interface TCaller {
  userId: string;
  role: UserRole;
}

/**
 * The course, if the caller is on its staff (an admin, or one of its instructors). A course the caller is not in
 * answers NotFoundError (as if it did not exist, like every resource outside one's courses); its students get
 * ForbiddenError.
 */
export async function requireCourseStaff(db: TDb, caller: TCaller, slug: string): Promise<Course> {
  const course = await findCourseBySlug(db, slug);
  if (!course) throw new NotFoundError(`no course "${slug}"`);
  if (caller.role === 'ADMIN') return course;
  const m = await membershipOf(db, caller.userId, course.id);
  if (!m) throw new NotFoundError(`no course "${slug}" among yours`);
  if (m.role !== 'INSTRUCTOR') throw new ForbiddenError("only the course's instructors and admins may do this");
  return course;
}
