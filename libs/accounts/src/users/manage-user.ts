import type { TUpdateUserRequest, TUserDetail, TUserView } from '@epoch/contracts';
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from '@epoch/contracts';
import { inTransaction, isUniqueViolation, writeAudit, type TDb, type User } from '@epoch/db';
import { enrollmentsWithDates } from '../repositories/course.repository';
import { countLiveSessions, revokeSessionsOf } from '../repositories/session.repository';
import { countActiveAdmins, countSubmissionsOf, findUserById, setDeactivated, updateUser as writeUser } from '../repositories/user.repository';
import { userView } from './user-view';

async function userOrNotFound(db: TDb, userId: string): Promise<User> {
  const user = await findUserById(db, userId);
  if (!user) throw new NotFoundError(`no user "${userId}"`);
  return user;
}

/** One account with its courses, live sessions and how many submissions it has (admins). */
export async function userDetail(db: TDb, userId: string): Promise<TUserDetail> {
  const user = await userOrNotFound(db, userId);
  const [courses, liveSessions, submissions] = await Promise.all([
    enrollmentsWithDates(db, user.id),
    countLiveSessions(db, user.id),
    countSubmissionsOf(db, user.id),
  ]);
  return { ...userView(user), courses, liveSessions, submissions };
}

/**
 * Changes a user's name, e-mail or role (admins). An admin may not take the admin role from the last active admin;
 * a taken e-mail is a conflict. Audited: `user.update` with the old and new values, `user.role-change` for a role.
 */
export async function updateUser(db: TDb, actorId: string, userId: string, input: TUpdateUserRequest): Promise<TUserView> {
  const user = await userOrNotFound(db, userId);
  const next = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.email !== undefined ? { email: input.email.toLowerCase() } : {}),
    ...(input.role !== undefined ? { role: input.role } : {}),
  };
  if (next.role !== undefined && next.role !== 'ADMIN' && user.role === 'ADMIN' && !user.deactivatedAt && (await countActiveAdmins(db)) <= 1) {
    throw new ConflictError('last_admin', 'this is the last active administrator: make another user an admin first', [
      { path: 'role', message: 'the last active admin keeps the role' },
    ]);
  }
  try {
    return await inTransaction(db, async (tx) => {
      const updated = await writeUser(tx, user.id, next);
      const old = { name: user.name, email: user.email, role: user.role };
      const now = { name: updated.name, email: updated.email, role: updated.role };
      if (old.name !== now.name || old.email !== now.email) {
        await writeAudit(tx, {
          actorId,
          action: 'user.update',
          entityType: 'User',
          entityId: user.id,
          data: { old: { name: old.name, email: old.email }, new: { name: now.name, email: now.email } },
        });
      }
      if (old.role !== now.role) {
        await writeAudit(tx, { actorId, action: 'user.role-change', entityType: 'User', entityId: user.id, data: { old: old.role, new: now.role } });
      }
      return userView(updated);
    });
  } catch (e) {
    if (isUniqueViolation(e))
      throw new ConflictError('email_taken', `a user with email ${next.email ?? ''} already exists`, [{ path: 'email', message: 'taken' }]);
    throw e;
  }
}

/**
 * Deactivates an account (admins): it can no longer sign in and every session ends at once; its submissions and
 * results are kept. An admin cannot deactivate themselves or the last active admin. Reactivating lets it sign in again.
 * Returns how many sessions were ended.
 */
export async function setUserActive(db: TDb, actorId: string, userId: string, active: boolean): Promise<{ user: TUserView; sessionsEnded: number }> {
  const user = await userOrNotFound(db, userId);
  if (!active && user.id === actorId) throw new InvalidError('you cannot deactivate your own account', [{ path: 'userId', message: 'yourself' }], 'self');
  if (!active && user.role === 'ADMIN' && !user.deactivatedAt && (await countActiveAdmins(db)) <= 1) {
    throw new ForbiddenError('this is the last active administrator: it cannot be deactivated', 'last_admin');
  }
  if (active === (user.deactivatedAt === null)) return { user: userView(user), sessionsEnded: 0 };
  return inTransaction(db, async (tx) => {
    const updated = await setDeactivated(tx, user.id, active ? null : new Date());
    const sessionsEnded = active ? 0 : await revokeSessionsOf(tx, user.id);
    await writeAudit(tx, {
      actorId,
      action: active ? 'user.reactivate' : 'user.deactivate',
      entityType: 'User',
      entityId: user.id,
      data: active ? {} : { sessionsEnded },
    });
    return { user: userView(updated), sessionsEnded };
  });
}
