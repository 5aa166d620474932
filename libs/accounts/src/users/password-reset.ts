import { createHash, randomBytes } from 'node:crypto';
import type { TPasswordResetInfo, TPasswordResetLink } from '@epoch/contracts';
import { InvalidError, NotFoundError } from '@epoch/contracts';
import { hashPassword, inTransaction, writeAudit, type TDb } from '@epoch/db';
import type { TMailer } from '../mail/mailer';
import { findReset, insertReset, markResetUsed, voidResetsOf } from '../repositories/reset.repository';
import { revokeSessionsOf } from '../repositories/session.repository';
import { findUserById, setPasswordHash } from '../repositories/user.repository';
import { assertNewPassword } from './password-rules';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface TResetSettings {
  /** How long a link is valid, in minutes. */
  ttlMinutes: number;
  /** The web app's address the link points at (`<publicUrl>/reset-password?token=…`). */
  publicUrl: string;
  /** Sends the link to the user as well when set. */
  mailer?: TMailer | null;
}

/**
 * An admin issues a one-time password reset link for a user: valid `ttlMinutes`, any older unused link of the user
 * stops working, the token is shown once (only its hash is stored). With a mailer the link is also e-mailed to the
 * user; a failed send is reported (`emailed: false`), the link still works. Audited without the token.
 */
export async function issuePasswordReset(db: TDb, actorId: string, userId: string, settings: TResetSettings): Promise<TPasswordResetLink> {
  const user = await findUserById(db, userId);
  if (!user) throw new NotFoundError(`no user "${userId}"`);
  if (user.deactivatedAt) throw new InvalidError('the account is deactivated: reactivate it before resetting its password', [], 'user_deactivated');
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + settings.ttlMinutes * 60_000);
  await inTransaction(db, async (tx) => {
    await voidResetsOf(tx, user.id);
    await insertReset(tx, { tokenHash: tokenHash(token), userId: user.id, createdById: actorId, expiresAt });
    await writeAudit(tx, {
      actorId,
      action: 'user.password-reset-issued',
      entityType: 'User',
      entityId: user.id,
      data: { expiresAt: expiresAt.toISOString() },
    });
  });
  const url = `${settings.publicUrl.replace(/\/+$/, '')}/reset-password?token=${token}`;
  let emailed = false;
  if (settings.mailer) {
    try {
      await settings.mailer.send({
        to: user.email,
        subject: 'Set your Epoch password',
        text: [
          `Hello ${user.name},`,
          '',
          'An administrator of Epoch has created a link for you to set your password:',
          '',
          url,
          '',
          `The link works once, until ${expiresAt.toUTCString()}. If you did not expect it, ignore this e-mail.`,
        ].join('\n'),
      });
      emailed = true;
    } catch {
      emailed = false;
    }
  }
  return { url, expiresAt: expiresAt.toISOString(), emailed };
}

/** A reset link's token, checked: unknown, used, expired, or for a deactivated account are refused with what to do. */
async function validReset(db: TDb, token: string, now = new Date()) {
  const reset = token.length >= 16 && token.length <= 128 ? await findReset(db, tokenHash(token)) : null;
  const refuse = (code: string, message: string) => new InvalidError(message, [{ path: 'token', message }], code);
  if (!reset)
    throw refuse(
      'reset_link_invalid',
      'this password link is not valid (it may be incomplete, or replaced by a newer one); ask an administrator for a new one',
    );
  if (reset.usedAt) throw refuse('reset_link_used', 'this password link was already used; sign in, or ask an administrator for a new one');
  if (reset.expiresAt <= now)
    throw refuse('reset_link_expired', `this password link expired at ${reset.expiresAt.toISOString()}; ask an administrator for a new one`);
  if (reset.user.deactivatedAt) throw refuse('reset_link_invalid', 'the account of this link is deactivated');
  return reset;
}

/** Whose password a link resets and until when (nothing is written). */
export async function passwordResetInfo(db: TDb, token: string): Promise<TPasswordResetInfo> {
  const r = await validReset(db, token);
  return { email: r.user.email, name: r.user.name, expiresAt: r.expiresAt.toISOString() };
}

/** Sets a new password with a reset link: the link is used up, every session of the user ends; audited. */
export async function resetPassword(db: TDb, token: string, newPassword: string): Promise<{ email: string; userId: string }> {
  const reset = await validReset(db, token);
  assertNewPassword(newPassword);
  const passwordHash = await hashPassword(newPassword);
  return inTransaction(db, async (tx) => {
    // Used once, even when two requests race: only one marks it.
    if (!(await markResetUsed(tx, reset.id)))
      throw new InvalidError('this password link was already used', [{ path: 'token', message: 'used' }], 'reset_link_used');
    await setPasswordHash(tx, reset.userId, passwordHash);
    const revoked = await revokeSessionsOf(tx, reset.userId);
    await writeAudit(tx, {
      actorId: reset.userId,
      action: 'user.password-reset',
      entityType: 'User',
      entityId: reset.userId,
      data: { sessionsEnded: revoked },
    });
    return { email: reset.user.email, userId: reset.userId };
  });
}
