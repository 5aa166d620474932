import type { PasswordReset, TDb, User } from '@epoch/db';

/** Password reset links: the only module that reads or writes `password_resets`. */

export async function insertReset(db: TDb, r: { tokenHash: string; userId: string; createdById: string | null; expiresAt: Date }): Promise<void> {
  await db.passwordReset.create({ data: r });
}

export function findReset(db: TDb, tokenHash: string): Promise<(PasswordReset & { user: User }) | null> {
  return db.passwordReset.findUnique({ where: { tokenHash }, include: { user: true } });
}

/** Marks a link used; false when it already was (another request used it first). */
export async function markResetUsed(db: TDb, id: string): Promise<boolean> {
  return (await db.passwordReset.updateMany({ where: { id, usedAt: null }, data: { usedAt: new Date() } })).count === 1;
}

/** Ends every unused link of a user (a newer one replaces them). */
export async function voidResetsOf(db: TDb, userId: string): Promise<void> {
  await db.passwordReset.updateMany({ where: { userId, usedAt: null }, data: { expiresAt: new Date() } });
}
