import type { TMe } from '@epoch/contracts';
import { enrollmentsOf } from '../repositories/course.repository';
import type { TDb } from '@epoch/db';
import type { TSessionUser } from './session-user';

/** The signed-in user as the web sees it: who, the CSRF token to send back, and the courses (in the order joined). */
export async function currentUser(db: TDb, caller: Omit<TSessionUser, 'sessionId'>): Promise<TMe> {
  return {
    id: caller.userId,
    email: caller.email,
    name: caller.name,
    role: caller.role,
    csrfToken: caller.csrfSecret,
    courses: await enrollmentsOf(db, caller.userId),
  };
}
