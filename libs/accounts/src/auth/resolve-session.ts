import type { TDb } from '@epoch/db';
import { findLiveSession } from '../repositories/session.repository';
import { sessionTokenHash, type TSessionUser } from './session-user';

/** The live session (neither revoked nor expired) of a cookie token, with its user; null for anything else. */
export async function resolveSession(db: TDb, token: string): Promise<TSessionUser | null> {
  if (token.length < 16 || token.length > 128) return null;
  const s = await findLiveSession(db, sessionTokenHash(token));
  return s ? { userId: s.userId, email: s.email, name: s.name, role: s.role, sessionId: s.id, csrfSecret: s.csrfSecret } : null;
}
