import type { TDb } from '@epoch/db';
import { revokeSession } from '../repositories/session.repository';

/** Revokes one session (signing out again is harmless). */
export async function signOut(db: TDb, sessionId: string): Promise<void> {
  await revokeSession(db, sessionId);
}
