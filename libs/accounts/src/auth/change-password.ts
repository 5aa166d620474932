import { hashPassword, verifyPassword } from '@epoch/db';
import { InvalidError, NotFoundError } from '@epoch/contracts';
import { writeAudit } from '@epoch/db';
import { inTransaction, type TDb } from '@epoch/db';
import { revokeSessionsOf } from '../repositories/session.repository';
import { findUserById, setPasswordHash } from '../repositories/user.repository';
import { assertNewPassword } from '../users/password-rules';

/**
 * Changes a user's password after checking the current one; every other session of the user is revoked (the one
 * making the change, `sessionId`, stays signed in).
 */
export async function changePassword(
  db: TDb,
  caller: { userId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await findUserById(db, caller.userId);
  if (!user) throw new NotFoundError(`no user "${caller.userId}"`);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new InvalidError('the current password is wrong', [{ path: 'currentPassword', message: 'wrong password' }], 'wrong_password');
  }
  if (input.newPassword === input.currentPassword)
    throw new InvalidError('the new password must differ from the current one', [{ path: 'newPassword', message: 'same as the current password' }]);
  assertNewPassword(input.newPassword);
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(db, async (tx) => {
    await setPasswordHash(tx, user.id, passwordHash);
    await revokeSessionsOf(tx, user.id, caller.sessionId);
    await writeAudit(tx, { actorId: user.id, action: 'user.password-change', entityType: 'User', entityId: user.id });
  });
}
