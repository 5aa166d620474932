import { DEMO_ACCOUNTS, hashPassword, type DemoAccount, type TDb } from '@epoch/db';
import { coursesBySlug, upsertEnrollment } from '../repositories/course.repository';
import { findUserByEmail, insertUser } from '../repositories/user.repository';

/**
 * Demo mode only: the demo accounts (created once, marked as having a published password; an existing account's
 * password or role is never overwritten), each instructor and student enrolled in the given courses. Returns the
 * courses' enrollment codes as they are now (an instructor may have changed them).
 */
export async function seedDemoAccounts(
  db: TDb,
  courseSlugs: string[],
): Promise<{ created: number; accounts: readonly DemoAccount[]; courses: { slug: string; enrollmentCode: string }[] }> {
  const courses = [...(await coursesBySlug(db, courseSlugs)).values()];
  let created = 0;
  for (const a of DEMO_ACCOUNTS) {
    let user = await findUserByEmail(db, a.email);
    if (!user) {
      user = await insertUser(db, { email: a.email, name: a.name, role: a.role, passwordHash: await hashPassword(a.password), demoPassword: true });
      created++;
    }
    if (a.role === 'ADMIN') continue;
    for (const course of courses) {
      await upsertEnrollment(db, { userId: user.id, courseId: course.id, role: a.role, existing: 'keep', joinedVia: 'SEED' });
    }
  }
  return { created, accounts: DEMO_ACCOUNTS, courses: courses.map((c) => ({ slug: c.slug, enrollmentCode: c.enrollmentCode })) };
}
