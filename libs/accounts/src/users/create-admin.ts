import { ConflictError, InvalidError, ZCreateUserRequest } from '@epoch/contracts';
import { hashPassword, inTransaction, isUniqueViolation, writeAudit, type TDb } from '@epoch/db';
import { insertUser } from '../repositories/user.repository';
import { assertNewPassword } from './password-rules';
import { newInitialPassword, userView } from './user-view';

/**
 * `./epoch admin create EMAIL`: an administrator account, made by whoever runs the server (audited as the system).
 * Without a password one is generated and returned once. The password rules apply (no demo password).
 */
export async function createAdmin(
  db: TDb,
  input: { email: string; name?: string; password?: string },
): Promise<{ id: string; email: string; name: string; generatedPassword?: string }> {
  const name = input.name?.trim() || input.email.split('@')[0] || 'Administrator';
  const parsed = ZCreateUserRequest.safeParse({ email: input.email, name, role: 'ADMIN' });
  if (!parsed.success) {
    throw new InvalidError(
      `invalid administrator: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const generated = input.password === undefined ? newInitialPassword() : undefined;
  const password = input.password ?? generated!;
  assertNewPassword(password, 'password');
  const passwordHash = await hashPassword(password);
  try {
    const user = await inTransaction(db, async (tx) => {
      const u = await insertUser(tx, { email: parsed.data.email.toLowerCase(), name: parsed.data.name, role: 'ADMIN', passwordHash });
      await writeAudit(tx, { actorId: null, action: 'user.create', entityType: 'User', entityId: u.id, data: { email: u.email, role: u.role, via: 'cli' } });
      return u;
    });
    const v = userView(user);
    return { id: v.id, email: v.email, name: v.name, ...(generated ? { generatedPassword: generated } : {}) };
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError('email_taken', `a user with email ${parsed.data.email.toLowerCase()} already exists`);
    throw e;
  }
}
