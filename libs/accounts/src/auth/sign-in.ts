import type { TMe } from '@epoch/contracts';
import { UnauthenticatedError } from '@epoch/contracts';
import type { TDb } from '@epoch/db';
import { clearFailedSignIns, findUserByEmail } from '../repositories/user.repository';
import { openSession } from './external-sign-in';
import { checkPassword, isLocked, recordWrongPassword } from './password-checks';
import type { TSignInPolicy } from './session-user';

/**
 * The one refusal of a sign-in, whatever the reason (unknown email, wrong password, locked account), so that neither
 * its status nor its words reveal which accounts exist or are locked. It says that locks exist, for the user who
 * typed the right password into a locked account.
 */
export const signInRefusal = (policy: Pick<TSignInPolicy, 'maxFailures' | 'lockSeconds'>) =>
  new UnauthenticatedError(
    'invalid_credentials',
    `wrong email or password (after ${policy.maxFailures} wrong passwords in a row an account is locked for ${Math.ceil(policy.lockSeconds / 60)} min)`,
  );

export interface TSignInRequestMeta {
  email: string;
  password: string;
  /** The client's address and browser, kept with the session (and the address with a lock's audit entry). */
  ip?: string;
  userAgent?: string;
}

/**
 * Checks the password and opens a session. Every refusal is the same answer after the same work (one argon2
 * verification, against a dummy hash for an unknown email): unknown, deactivated, wrong and locked cannot be told apart. A wrong
 * password counts towards the lock (atomically: see recordWrongPassword); a right one clears the count. The token is
 * returned once: only its hash is stored (openSession).
 */
export async function signIn(db: TDb, input: TSignInRequestMeta, policy: TSignInPolicy): Promise<{ me: TMe; token: string; expiresAt: Date }> {
  const user = await findUserByEmail(db, input.email.toLowerCase());
  const right = await checkPassword(user?.passwordHash ?? null, input.password);
  // A deactivated account answers like an unknown one (and takes as long).
  if (!user || user.deactivatedAt || isLocked(user, new Date())) throw signInRefusal(policy);
  if (!right) {
    await recordWrongPassword(db, user.id, policy, { ip: input.ip });
    throw signInRefusal(policy);
  }
  if (user.failedLogins > 0 || user.lockedUntil) await clearFailedSignIns(db, user.id);
  return openSession(db, user, policy, { ip: input.ip, userAgent: input.userAgent });
}
