import { createHash, randomBytes } from 'node:crypto';
import type { UserRole } from '@epoch/db';

/** Who is calling: the user of a live session, and that session. */
export interface TSessionUser {
  userId: string;
  email: string;
  name: string;
  role: UserRole;
  sessionId: string;
  csrfSecret: string;
}

/** The settings that govern sign-in (from the API's configuration). */
export interface TSignInPolicy {
  /** Failed sign-ins in a row that lock the account. */
  maxFailures: number;
  /** How long a lock lasts. */
  lockSeconds: number;
  /** How long a new session lives. */
  sessionTtlHours: number;
}

/** The database keeps only this hash of a session's token, so a leaked table yields no sessions. */
export const sessionTokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A random secret for a cookie token or a CSRF token (43 characters of base64url). */
export const newSecret = (): string => randomBytes(32).toString('base64url');
