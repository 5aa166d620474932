import { generateToolKey, publicJwks, type TToolKey } from '@epoch/lti';
import { inTransaction, writeAudit, type LtiToolKey, type TDb } from '@epoch/db';
import type { JWK } from 'jose';

const asToolKey = (k: LtiToolKey): TToolKey => ({ kid: k.kid, publicJwk: k.publicJwk as JWK, privateJwk: k.privateJwk as JWK });

/** How long a retired key stays published after a rotation (for messages signed just before it). */
export const RETIRED_KEY_DAYS = 7;

/** Makes sure a CURRENT and a NEXT key exist (the first use creates both). */
export async function ensureToolKeys(db: TDb): Promise<void> {
  const have = await db.ltiToolKey.findMany({ where: { state: { in: ['CURRENT', 'NEXT'] } }, select: { state: true } });
  const states = new Set(have.map((k) => k.state));
  for (const state of ['CURRENT', 'NEXT'] as const) {
    if (states.has(state)) continue;
    const k = await generateToolKey();
    await db.ltiToolKey.create({
      data: { kid: k.kid, state, publicJwk: k.publicJwk as object, privateJwk: k.privateJwk as object, activatedAt: state === 'CURRENT' ? new Date() : null },
    });
  }
}

/** The key that signs now. */
export async function currentToolKey(db: TDb): Promise<TToolKey> {
  await ensureToolKeys(db);
  return asToolKey(await db.ltiToolKey.findFirstOrThrow({ where: { state: 'CURRENT' }, orderBy: { activatedAt: 'desc' } }));
}

/** Epoch's JWKS: the current key, the next one (platforms learn it before it signs) and recently retired ones. */
export async function toolJwks(db: TDb): Promise<{ keys: JWK[] }> {
  await ensureToolKeys(db);
  const since = new Date(Date.now() - RETIRED_KEY_DAYS * 86_400_000);
  const keys = await db.ltiToolKey.findMany({
    where: { OR: [{ state: { in: ['CURRENT', 'NEXT'] } }, { state: 'RETIRED', retiredAt: { gte: since } }] },
    orderBy: { createdAt: 'asc' },
  });
  return publicJwks(keys.map(asToolKey));
}

export async function listToolKeys(db: TDb): Promise<{ kid: string; state: 'NEXT' | 'CURRENT' | 'RETIRED'; createdAt: string }[]> {
  await ensureToolKeys(db);
  const keys = await db.ltiToolKey.findMany({ orderBy: { createdAt: 'desc' }, take: 10 });
  return keys.map((k) => ({ kid: k.kid, state: k.state, createdAt: k.createdAt.toISOString() }));
}

/**
 * Rotates without downtime: the NEXT key (already published) starts signing, the CURRENT one retires (still published
 * for RETIRED_KEY_DAYS) and a new NEXT key is published. Audited.
 */
export async function rotateToolKeys(db: TDb, actorId: string): Promise<{ current: string; next: string }> {
  await ensureToolKeys(db);
  const fresh = await generateToolKey();
  return inTransaction(db, async (tx) => {
    const now = new Date();
    const next = await tx.ltiToolKey.findFirstOrThrow({ where: { state: 'NEXT' } });
    await tx.ltiToolKey.updateMany({ where: { state: 'CURRENT' }, data: { state: 'RETIRED', retiredAt: now } });
    await tx.ltiToolKey.update({ where: { id: next.id }, data: { state: 'CURRENT', activatedAt: now } });
    await tx.ltiToolKey.create({ data: { kid: fresh.kid, state: 'NEXT', publicJwk: fresh.publicJwk as object, privateJwk: fresh.privateJwk as object } });
    await writeAudit(tx, { actorId, action: 'lti.keys.rotate', entityType: 'LtiToolKey', entityId: next.kid, data: { current: next.kid, next: fresh.kid } });
    return { current: next.kid, next: fresh.kid };
  });
}
