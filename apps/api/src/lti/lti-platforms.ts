import { ConflictError, NotFoundError, type TLtiPlatformInput, type TLtiPlatformView } from '@epoch/contracts';
import { inTransaction, isUniqueViolation, writeAudit, type LtiPlatform, type TDb } from '@epoch/db';

const view = (p: LtiPlatform): TLtiPlatformView => ({
  id: p.id,
  name: p.name,
  issuer: p.issuer,
  clientId: p.clientId,
  authUrl: p.authUrl,
  tokenUrl: p.tokenUrl,
  jwksUrl: p.jwksUrl,
  deploymentIds: p.deploymentIds,
  createdAt: p.createdAt.toISOString(),
});

export async function listPlatforms(db: TDb): Promise<TLtiPlatformView[]> {
  return (await db.ltiPlatform.findMany({ orderBy: { createdAt: 'asc' } })).map(view);
}

const taken = (input: TLtiPlatformInput) =>
  new ConflictError('platform_exists', `a platform with issuer ${input.issuer} and client id ${input.clientId} is already registered`);

/** Registers (or, with `id`, changes) an LMS platform; audited. An issuer with its client id is registered once. */
export async function savePlatform(db: TDb, actorId: string, input: TLtiPlatformInput, id?: string): Promise<TLtiPlatformView> {
  const data = { ...input, deploymentIds: [...new Set(input.deploymentIds)] };
  try {
    return view(
      await inTransaction(db, async (tx) => {
        if (id && !(await tx.ltiPlatform.findUnique({ where: { id } }))) throw new NotFoundError(`no LMS platform ${id}`);
        const p = id ? await tx.ltiPlatform.update({ where: { id }, data }) : await tx.ltiPlatform.create({ data });
        await writeAudit(tx, {
          actorId,
          action: id ? 'lti.platform.update' : 'lti.platform.create',
          entityType: 'LtiPlatform',
          entityId: p.id,
          data: { ...data },
        });
        return p;
      }),
    );
  } catch (e) {
    if (isUniqueViolation(e)) throw taken(input);
    throw e;
  }
}

export async function deletePlatform(db: TDb, actorId: string, id: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    const p = await tx.ltiPlatform.findUnique({ where: { id } });
    if (!p) throw new NotFoundError(`no LMS platform ${id}`);
    await tx.ltiPlatform.delete({ where: { id } });
    await writeAudit(tx, { actorId, action: 'lti.platform.delete', entityType: 'LtiPlatform', entityId: id, data: { issuer: p.issuer, clientId: p.clientId } });
  });
}

/**
 * The origins that may show Epoch in a frame (the one list: the web app's pages and the API's LTI pages use it): the
 * registered platforms' (issuer and authorization URL) and the configured ones (EPOCH_FRAME_ANCESTORS).
 */
export async function frameAncestorsOf(db: TDb, configured: readonly string[]): Promise<string[]> {
  const platforms = await db.ltiPlatform.findMany({ select: { issuer: true, authUrl: true } });
  const origins = new Set<string>(configured);
  for (const p of platforms)
    for (const u of [p.issuer, p.authUrl]) {
      try {
        const o = new URL(u);
        if (o.protocol === 'https:' || o.protocol === 'http:') origins.add(o.origin);
      } catch {
        // An issuer need not be a URL (the spec only asks for a case-sensitive string): nothing to frame from.
      }
    }
  return [...origins].sort();
}
