import type { Course, User, UserRole } from '@epoch/db';
import { InvalidError, NotFoundError } from '@epoch/contracts';
import { findCourseBySlug } from '../repositories/course.repository';
import type { TDb } from '@epoch/db';
import { findUserById } from '../repositories/user.repository';

const ROLE_NAMES = { INSTRUCTOR: ['an INSTRUCTOR', 'not an instructor'], STUDENT: ['a STUDENT', 'not a student'] } as const;

/**
 * The course and the account an admin enrolls in it: NotFoundError for an unknown course, InvalidError (on `userId`)
 * for an unknown user or one whose account role is not `role`.
 */
export async function courseAndUserOfRole(db: TDb, slug: string, userId: string, role: Exclude<UserRole, 'ADMIN'>): Promise<{ course: Course; user: User }> {
  const course = await findCourseBySlug(db, slug);
  if (!course) throw new NotFoundError(`no course "${slug}"`);
  const user = await findUserById(db, userId);
  if (!user) throw new InvalidError(`no user "${userId}"`, [{ path: 'userId', message: 'unknown user' }]);
  const [name, detail] = ROLE_NAMES[role];
  if (user.role !== role) throw new InvalidError(`${user.email} is a ${user.role}, not ${name}`, [{ path: 'userId', message: detail }]);
  return { course, user };
}
