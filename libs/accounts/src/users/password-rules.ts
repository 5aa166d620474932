import { InvalidError, ZPassword } from '@epoch/contracts';
import { isDemoPassword } from '@epoch/db';

/** Refuses a new password that breaks the rules (PASSWORD_RULES): too short or long, or a published demo password. */
export function assertNewPassword(password: string, field = 'newPassword'): void {
  const r = ZPassword.safeParse(password);
  if (!r.success) {
    const message = r.error.issues[0]?.message ?? 'invalid password';
    throw new InvalidError(`the password is not accepted: ${message}`, [{ path: field, message }], 'weak_password');
  }
  if (isDemoPassword(password)) {
    throw new InvalidError(
      'the password is not accepted: it is a published demo password',
      [{ path: field, message: 'a published demo password' }],
      'weak_password',
    );
  }
}
