import type { User, UserRole } from '@epoch/db';
import type { TDb } from '@epoch/db';

/** Users: the only module that reads or writes the `users` table. */

export interface TNewUser {
  email: string;
  name: string;
  role: UserRole;
  passwordHash: string;
  /** The password is a published demo password (the demo seed only). */
  demoPassword?: boolean;
}

export function findUserByEmail(db: TDb, email: string): Promise<User | null> {
  return db.user.findUnique({ where: { email } });
}

export function findUserById(db: TDb, id: string): Promise<User | null> {
  return db.user.findUnique({ where: { id } });
}

/** A page of users (oldest first), optionally of one role, and how many there are in all. */
export async function pageOfUsers(db: TDb, q: { role?: UserRole; skip: number; take: number }): Promise<{ rows: User[]; total: number }> {
  const where = q.role ? { role: q.role } : {};
  const [rows, total] = await Promise.all([
    db.user.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip: q.skip, take: q.take }),
    db.user.count({ where }),
  ]);
  return { rows, total };
}

/** Which of these emails already belong to a user. */
export async function takenEmails(db: TDb, emails: string[]): Promise<Set<string>> {
  const rows = await db.user.findMany({ where: { email: { in: emails } }, select: { email: true } });
  return new Set(rows.map((u) => u.email));
}

/** Creates a user; a taken email throws Prisma's unique violation (see isUniqueViolation). */
export function insertUser(db: TDb, user: TNewUser): Promise<User> {
  return db.user.create({ data: user });
}

/**
 * Counts one failed password check of an account that is not locked, atomically (`failedLogins + 1`, returned by the
 * same statement), so parallel guesses each count. Null when the account is locked at `now` (nothing is counted).
 */
export async function countFailedSignIn(db: TDb, userId: string, now: Date): Promise<number | null> {
  const rows = await db.user.updateManyAndReturn({
    where: { id: userId, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
    data: { failedLogins: { increment: 1 } },
    select: { failedLogins: true },
  });
  return rows[0]?.failedLogins ?? null;
}

/**
 * Locks the account until `until` and starts counting again, if its count reached `maxFailures`. Exactly one of the
 * parallel failures that reached it gets true (the others find the count reset), so the lock is audited once.
 */
export async function lockIfOverLimit(db: TDb, userId: string, maxFailures: number, until: Date): Promise<boolean> {
  const r = await db.user.updateMany({ where: { id: userId, failedLogins: { gte: maxFailures } }, data: { failedLogins: 0, lockedUntil: until } });
  return r.count === 1;
}

export async function clearFailedSignIns(db: TDb, userId: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { failedLogins: 0, lockedUntil: null } });
}

/** Sets a new password (which is never a demo password: see the password use cases) and clears the lock. */
export async function setPasswordHash(db: TDb, userId: string, passwordHash: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { passwordHash, demoPassword: false, failedLogins: 0, lockedUntil: null } });
}

export function findUsersByEmails(db: TDb, emails: string[]): Promise<User[]> {
  return db.user.findMany({ where: { email: { in: emails } } });
}

export function usersWithDemoPasswords(db: TDb): Promise<{ email: string }[]> {
  return db.user.findMany({ where: { demoPassword: true, deactivatedAt: null }, select: { email: true }, orderBy: { email: 'asc' } });
}

/** How many active administrators there are (an admin may not demote or deactivate the last one). */
export function countActiveAdmins(db: TDb): Promise<number> {
  return db.user.count({ where: { role: 'ADMIN', deactivatedAt: null } });
}

/** Changes a user's name, e-mail or role; a taken e-mail throws Prisma's unique violation. */
export function updateUser(db: TDb, id: string, data: { name?: string; email?: string; role?: UserRole }): Promise<User> {
  return db.user.update({ where: { id }, data });
}

/** Deactivates (`at`) or reactivates (null) an account. */
export function setDeactivated(db: TDb, id: string, at: Date | null): Promise<User> {
  return db.user.update({ where: { id }, data: { deactivatedAt: at } });
}

/** How many submissions a user has made (they are kept when the account is deactivated). */
export function countSubmissionsOf(db: TDb, userId: string): Promise<number> {
  return db.submission.count({ where: { userId } });
}
