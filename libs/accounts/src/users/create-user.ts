import { hashPassword } from '@epoch/db';
import type { TCreatedUser, TCreateUserRequest } from '@epoch/contracts';
import { ConflictError } from '@epoch/contracts';
import { writeAudit } from '@epoch/db';
import { inTransaction, isUniqueViolation, type TDb } from '@epoch/db';
import { insertUser } from '../repositories/user.repository';
import { assertNewPassword } from './password-rules';
import { newInitialPassword, userView } from './user-view';

/** Creates one user; without a password a random one is generated and returned once (`initialPassword`). */
export async function createUser(db: TDb, actorId: string, input: TCreateUserRequest): Promise<TCreatedUser> {
  const email = input.email.toLowerCase();
  if (input.password !== undefined) assertNewPassword(input.password, 'password');
  const initialPassword = input.password ? undefined : newInitialPassword();
  const passwordHash = await hashPassword(input.password ?? initialPassword ?? '');
  try {
    const user = await inTransaction(db, async (tx) => {
      const u = await insertUser(tx, { email, name: input.name, role: input.role, passwordHash });
      await writeAudit(tx, { actorId, action: 'user.create', entityType: 'User', entityId: u.id, data: { email: u.email, role: u.role } });
      return u;
    });
    return { ...userView(user), ...(initialPassword ? { initialPassword } : {}) };
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError('email_taken', `a user with email ${email} already exists`);
    throw e;
  }
}
