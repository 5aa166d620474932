import { hashPassword } from '@epoch/db';
import { DomainError, InvalidError, NotFoundError } from '@epoch/contracts';
import { writeAudit } from '@epoch/db';
import { inTransaction, type TDb } from '@epoch/db';
import { revokeSessionsOf } from '../repositories/session.repository';
import { clearFailedSignIns, findUserById, setPasswordHash } from '../repositories/user.repository';
import { assertNewPassword } from '../users/password-rules';
import { checkPassword, isLocked, recordWrongPassword } from './password-checks';
import type { TSignInPolicy } from './session-user';

/**
 * Changes a user's password after checking the current one; every other session of the user is revoked (the one
 * making the change, `sessionId`, stays signed in). A wrong current password counts like a failed sign-in (a stolen
 * session must not be a way to guess the password without limit): at `maxFailures` the account locks, and while it is
 * locked the change is refused without checking anything.
 */
export async function changePassword(
  db: TDb,
  caller: { userId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
  policy: Pick<TSignInPolicy, 'maxFailures' | 'lockSeconds'>,
  meta: { ip?: string } = {},
): Promise<void> {
  const user = await findUserById(db, caller.userId);
  if (!user) throw new NotFoundError(`no user "${caller.userId}"`);
  if (isLocked(user, new Date())) {
    throw new DomainError(
      'too_many',
      'password_checks_locked',
      `too many wrong passwords: password changes are refused until ${user.lockedUntil?.toISOString() ?? 'the lock ends'}`,
    );
  }
  if (!(await checkPassword(user.passwordHash, input.currentPassword))) {
    await recordWrongPassword(db, user.id, policy, meta);
    throw new InvalidError('the current password is wrong', [{ path: 'currentPassword', message: 'wrong password' }], 'wrong_password');
  }
  if (input.newPassword === input.currentPassword)
    throw new InvalidError('the new password must differ from the current one', [{ path: 'newPassword', message: 'same as the current password' }]);
  assertNewPassword(input.newPassword);
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(db, async (tx) => {
    await setPasswordHash(tx, user.id, passwordHash);
    if (user.failedLogins > 0) await clearFailedSignIns(tx, user.id);
    await revokeSessionsOf(tx, user.id, caller.sessionId);
    await writeAudit(tx, { actorId: user.id, action: 'user.password-change', entityType: 'User', entityId: user.id });
  });
}
