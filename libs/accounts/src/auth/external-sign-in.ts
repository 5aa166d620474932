import type { TMe } from '@epoch/contracts';
import { ForbiddenError, UnauthenticatedError } from '@epoch/contracts';
import { inTransaction, isUniqueViolation, writeAudit, type TDb, type User, type UserRole } from '@epoch/db';
import { insertSession } from '../repositories/session.repository';
import { findUserByEmail, insertUser } from '../repositories/user.repository';
import { currentUser } from './current-user';
import { newSecret, sessionTokenHash, type TSignInPolicy } from './session-user';

/**
 * The stored password hash of an account created by an identity provider: not an argon2 hash, so no password ever
 * matches it (verifyPassword answers false for a malformed hash) until an administrator issues a password link.
 */
export const NO_PASSWORD_HASH = '!external-sign-in';

/** Who an identity provider (OpenID Connect) vouches for. */
export interface TExternalIdentity {
  /** Which provider (kept in the audit log), e.g. the OIDC issuer URL. */
  provider: string;
  /** The provider's subject identifier. */
  subject: string;
  email: string;
  /** Whether the provider says it verified the e-mail address (only a verified address links or creates an account). */
  emailVerified: boolean;
  name: string;
}

export interface TExternalSignInRules {
  /** E-mail domains allowed to sign in this way (lower case); empty: every domain. */
  allowedDomains: string[];
}

/** Opens a session for a user (the token is returned once: only its hash is stored). */
export async function openSession(
  db: TDb,
  user: Pick<User, 'id' | 'email' | 'name' | 'role'>,
  policy: Pick<TSignInPolicy, 'sessionTtlHours'>,
  meta: { ip?: string; userAgent?: string },
): Promise<{ me: TMe; token: string; expiresAt: Date }> {
  const token = newSecret();
  const csrfSecret = newSecret();
  const expiresAt = new Date(Date.now() + policy.sessionTtlHours * 3600_000);
  await insertSession(db, {
    tokenHash: sessionTokenHash(token),
    userId: user.id,
    csrfSecret,
    expiresAt,
    userAgent: meta.userAgent?.slice(0, 500) ?? null,
    ip: meta.ip ?? null,
  });
  return { me: await currentUser(db, { userId: user.id, email: user.email, name: user.name, role: user.role, csrfSecret }), token, expiresAt };
}

/** The e-mail domain of an address (lower case), or '' when it has none. */
const domainOf = (email: string): string => {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).toLowerCase();
};

/**
 * Signs in with an identity the provider has vouched for: the account with the same (verified) e-mail address is
 * linked, else a new account is created with the student role (audited as `user.create` with the provider). Refused:
 * an unverified address, a domain outside `allowedDomains`, a deactivated account.
 */
export async function signInWithIdentity(
  db: TDb,
  identity: TExternalIdentity,
  rules: TExternalSignInRules,
  policy: Pick<TSignInPolicy, 'sessionTtlHours'>,
  meta: { ip?: string; userAgent?: string } = {},
): Promise<{ me: TMe; token: string; expiresAt: Date; created: boolean }> {
  const email = identity.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new UnauthenticatedError('sso_no_email', 'the identity provider sent no usable e-mail address');
  if (!identity.emailVerified) throw new UnauthenticatedError('sso_email_unverified', `the identity provider has not verified the e-mail address ${email}`);
  const domain = domainOf(email);
  if (rules.allowedDomains.length > 0 && !rules.allowedDomains.includes(domain))
    throw new ForbiddenError(`e-mail addresses of ${domain} may not sign in here (allowed: ${rules.allowedDomains.join(', ')})`, 'sso_domain_refused');
  let user = await findUserByEmail(db, email);
  let created = false;
  if (!user) {
    const role: UserRole = 'STUDENT';
    const name = identity.name.trim().slice(0, 200) || email.slice(0, email.indexOf('@'));
    try {
      user = await inTransaction(db, async (tx) => {
        const u = await insertUser(tx, { email, name, role, passwordHash: NO_PASSWORD_HASH });
        await writeAudit(tx, {
          action: 'user.create',
          entityType: 'User',
          entityId: u.id,
          data: { email, role, via: 'oidc', provider: identity.provider, subject: identity.subject },
        });
        return u;
      });
      created = true;
    } catch (e) {
      // Two first sign-ins at once: the other one created it.
      if (!isUniqueViolation(e)) throw e;
      user = await findUserByEmail(db, email);
      if (!user) throw e;
    }
  }
  if (user.deactivatedAt) throw new UnauthenticatedError('account_deactivated', `the account ${email} is deactivated`);
  return { ...(await openSession(db, user, policy, meta)), created };
}
