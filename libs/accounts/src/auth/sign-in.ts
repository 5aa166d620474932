import type { TMe } from '@epoch/contracts';
import { UnauthenticatedError } from '@epoch/contracts';
import type { TDb } from '@epoch/db';
import { insertSession } from '../repositories/session.repository';
import { clearFailedSignIns, findUserByEmail } from '../repositories/user.repository';
import { currentUser } from './current-user';
import { checkPassword, isLocked, recordWrongPassword } from './password-checks';
import { newSecret, sessionTokenHash, type TSignInPolicy } from './session-user';

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
 * returned once: only its hash is stored.
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
  const token = newSecret();
  const csrfSecret = newSecret();
  const expiresAt = new Date(Date.now() + policy.sessionTtlHours * 3600_000);
  await insertSession(db, {
    tokenHash: sessionTokenHash(token),
    userId: user.id,
    csrfSecret,
    expiresAt,
    userAgent: input.userAgent?.slice(0, 500) ?? null,
    ip: input.ip ?? null,
  });
  return { me: await currentUser(db, { userId: user.id, email: user.email, name: user.name, role: user.role, csrfSecret }), token, expiresAt };
}
