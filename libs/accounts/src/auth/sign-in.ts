import { hashPassword, verifyPassword } from '@epoch/db';
import type { TMe } from '@epoch/contracts';
import { LockedError, UnauthenticatedError } from '@epoch/contracts';
import { writeAudit } from '@epoch/db';
import { inTransaction, type TDb } from '@epoch/db';
import { insertSession } from '../repositories/session.repository';
import { clearFailedSignIns, findUserByEmail, recordFailedSignIn } from '../repositories/user.repository';
import { currentUser } from './current-user';
import { newSecret, sessionTokenHash, type TSignInPolicy } from './session-user';

/** Verified against when the email is unknown, so both cases take the same time (no account enumeration). */
let dummyHash: Promise<string> | undefined;

const invalidCredentials = () => new UnauthenticatedError('invalid_credentials', 'wrong email or password');

export interface TSignInRequestMeta {
  email: string;
  password: string;
  /** The client's address and browser, kept with the session (and the address with a lock's audit entry). */
  ip?: string;
  userAgent?: string;
}

/**
 * Checks the password and opens a session. A wrong password counts towards the lock (`maxFailures` in a row lock the
 * account for `lockSeconds`, audited as `user.locked`); a right one clears the count. The token is returned once:
 * only its hash is stored.
 */
export async function signIn(db: TDb, input: TSignInRequestMeta, policy: TSignInPolicy): Promise<{ me: TMe; token: string; expiresAt: Date }> {
  const user = await findUserByEmail(db, input.email.toLowerCase());
  // A deactivated account answers like an unknown one (and takes as long).
  if (!user || user.deactivatedAt) {
    dummyHash ??= hashPassword('epoch-dummy-password-for-timing');
    await verifyPassword(await dummyHash, input.password);
    throw invalidCredentials();
  }
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    throw new LockedError('account_locked', `too many failed sign-ins; the account is locked until ${user.lockedUntil.toISOString()}`);
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    const failed = user.failedLogins + 1;
    if (failed >= policy.maxFailures) {
      await inTransaction(db, async (tx) => {
        await recordFailedSignIn(tx, user.id, { lockUntil: new Date(Date.now() + policy.lockSeconds * 1000) });
        await writeAudit(tx, { action: 'user.locked', entityType: 'User', entityId: user.id, data: { failures: failed, ip: input.ip ?? null } });
      });
    } else {
      await recordFailedSignIn(db, user.id, { failedLogins: failed });
    }
    throw invalidCredentials();
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
