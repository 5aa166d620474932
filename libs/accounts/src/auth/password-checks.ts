import { hashPassword, inTransaction, verifyPassword, writeAudit, type TDb } from '@epoch/db';
import { countFailedSignIn, lockIfOverLimit } from '../repositories/user.repository';
import type { TSignInPolicy } from './session-user';

/** Verified against when the email is unknown, so every refusal costs one argon2 verification (no account enumeration). */
let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against an account's stored hash, or against a dummy hash when there is no account: the same
 * argon2 work either way, so the answer's timing says nothing about whether the account exists.
 */
export async function checkPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash !== null) return verifyPassword(passwordHash, password);
  dummyHash ??= hashPassword('epoch-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}

/** Whether the account is locked at `now` (too many wrong passwords in a row). */
export function isLocked(user: { lockedUntil: Date | null }, now: Date): boolean {
  return user.lockedUntil !== null && user.lockedUntil.getTime() > now.getTime();
}

/**
 * A wrong password was given for an account (at sign-in or as the current password of a change): counted atomically,
 * so parallel guesses each count; the failure that reaches `maxFailures` locks the account for `lockSeconds`, audited
 * once as `user.locked`. A locked account's failures are not counted (it refuses every password until the lock ends).
 */
export async function recordWrongPassword(
  db: TDb,
  userId: string,
  policy: Pick<TSignInPolicy, 'maxFailures' | 'lockSeconds'>,
  meta: { ip?: string },
): Promise<void> {
  const now = new Date();
  const failures = await countFailedSignIn(db, userId, now);
  if (failures === null || failures < policy.maxFailures) return;
  await inTransaction(db, async (tx) => {
    if (await lockIfOverLimit(tx, userId, policy.maxFailures, new Date(now.getTime() + policy.lockSeconds * 1000))) {
      await writeAudit(tx, { action: 'user.locked', entityType: 'User', entityId: userId, data: { failures, ip: meta.ip ?? null } });
    }
  });
}
