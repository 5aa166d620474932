import type { UserRole } from '@epoch/db';
import type { TDb } from '@epoch/db';

/** Sessions: the only module that reads or writes the `sessions` table. */

export interface TNewSession {
  tokenHash: string;
  userId: string;
  csrfSecret: string;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** A live session with its user, as the API's guard needs it. */
export interface TLiveSession {
  id: string;
  csrfSecret: string;
  userId: string;
  email: string;
  name: string;
  role: UserRole;
}

export async function insertSession(db: TDb, session: TNewSession): Promise<void> {
  await db.session.create({ data: session });
}

/** The session of a token hash if it is neither revoked nor expired, with its user, in one round trip. */
export async function findLiveSession(db: TDb, tokenHash: string): Promise<TLiveSession | null> {
  // One round trip (the relation include would take two).
  const rows = await db.$queryRaw<TLiveSession[]>`
    select s.id, s."csrfSecret", u.id as "userId", u.email, u.name, u.role::text as role
    from sessions s join users u on u.id = s."userId"
    where s."tokenHash" = ${tokenHash} and s."revokedAt" is null and s."expiresAt" > now() and u."deactivatedAt" is null`;
  return rows[0] ?? null;
}

export async function revokeSession(db: TDb, sessionId: string): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** Revokes every live session of a user except `keepSessionId`; how many were revoked. */
export async function revokeSessionsOf(db: TDb, userId: string, keepSessionId?: string): Promise<number> {
  const r = await db.session.updateMany({
    where: { userId, revokedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
    data: { revokedAt: new Date() },
  });
  return r.count;
}

/** How many live sessions a user has. */
export function countLiveSessions(db: TDb, userId: string): Promise<number> {
  return db.session.count({ where: { userId, revokedAt: null, expiresAt: { gt: new Date() } } });
}
