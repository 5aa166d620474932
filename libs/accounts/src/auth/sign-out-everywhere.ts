import { writeAudit } from '@epoch/db';
import type { TDb } from '@epoch/db';
import { revokeSessionsOf } from '../repositories/session.repository';

/** Revokes every live session of the user, on every device (the caller's included); audited with the count. */
export async function signOutEverywhere(db: TDb, userId: string): Promise<{ revoked: number }> {
  const revoked = await revokeSessionsOf(db, userId);
  await writeAudit(db, { actorId: userId, action: 'user.sign-out-everywhere', entityType: 'User', entityId: userId, data: { revoked } });
  return { revoked };
}
