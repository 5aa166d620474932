import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { AGS_SCOPES } from './claims';
import { signingKey, TOOL_KEY_ALG, type TToolKey } from './keys';

/** A platform's service answered with an error: `message` quotes the platform (shown to the instructor). */
export class LtiServiceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LtiServiceError';
  }
}

type TFetch = typeof fetch;

async function failure(what: string, res: Response): Promise<LtiServiceError> {
  const body = (await res.text().catch(() => '')).slice(0, 500);
  return new LtiServiceError(`${what}: HTTP ${res.status}${body ? ` ${body}` : ''}`, res.status);
}

/**
 * An access token for the platform's services (Security Framework §4.1): the client_credentials grant with a JWT
 * client assertion signed by the tool's current key (iss = sub = client id, aud = the token URL, a fresh jti).
 */
export async function serviceToken(
  opts: { tokenUrl: string; clientId: string; key: TToolKey; scopes: readonly string[] },
  fetchImpl: TFetch = fetch,
): Promise<{ accessToken: string; expiresAt: number }> {
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: TOOL_KEY_ALG, kid: opts.key.kid, typ: 'JWT' })
    .setIssuer(opts.clientId)
    .setSubject(opts.clientId)
    .setAudience(opts.tokenUrl)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(await signingKey(opts.key));
  const res = await fetchImpl(opts.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: opts.scopes.join(' '),
    }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw await failure("the platform's token endpoint refused Epoch", res);
  const body = (await res.json()) as { access_token?: unknown; expires_in?: unknown };
  if (typeof body.access_token !== 'string') throw new LtiServiceError("the platform's token endpoint answered without an access_token");
  const ttl = typeof body.expires_in === 'number' ? body.expires_in : 3600;
  return { accessToken: body.access_token, expiresAt: Date.now() + ttl * 1000 };
}

/** The AGS Score (AGS 2.0 §3.4) of a counted result: `score` is the share of full marks (0–1). */
export function scoreMessage(input: { userId: string; score: number | null; scoreMaximum: number; timestamp: Date; comment?: string }) {
  return {
    userId: input.userId,
    ...(input.score !== null ? { scoreGiven: Math.round(input.score * input.scoreMaximum * 1000) / 1000, scoreMaximum: input.scoreMaximum } : {}),
    ...(input.comment ? { comment: input.comment } : {}),
    timestamp: input.timestamp.toISOString(),
    activityProgress: input.score !== null ? 'Completed' : 'Submitted',
    gradingProgress: input.score !== null ? 'FullyGraded' : 'Pending',
  };
}

/** The scores URL of a line item (its path + `/scores`, query kept: AGS 2.0 §3.4). */
export function scoresUrl(lineItemUrl: string): string {
  const u = new URL(lineItemUrl);
  u.pathname = `${u.pathname.replace(/\/$/, '')}/scores`;
  return u.href;
}

/** Posts a score to a line item; a refusal throws with the platform's words (the outbox retries it). */
export async function postScore(lineItemUrl: string, accessToken: string, score: ReturnType<typeof scoreMessage>, fetchImpl: TFetch = fetch): Promise<void> {
  const res = await fetchImpl(scoresUrl(lineItemUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/vnd.ims.lis.v1.score+json' },
    body: JSON.stringify(score),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw await failure('the platform refused the score', res);
}

/** The line item of a resource link in the context's line items (found by resource link and resource id, else created). */
export async function findOrCreateLineItem(
  lineItemsUrl: string,
  accessToken: string,
  item: { resourceLinkId: string; resourceId: string; label: string; scoreMaximum: number },
  fetchImpl: TFetch = fetch,
): Promise<string> {
  const q = new URL(lineItemsUrl);
  q.searchParams.set('resource_link_id', item.resourceLinkId);
  q.searchParams.set('resource_id', item.resourceId);
  const list = await fetchImpl(q.href, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.ims.lis.v2.lineitemcontainer+json' } });
  if (!list.ok) throw await failure("the platform's line items could not be read", list);
  const found = ((await list.json()) as { id?: string; resourceLinkId?: string; resourceId?: string }[]).find(
    (l) => l.resourceLinkId === item.resourceLinkId || l.resourceId === item.resourceId,
  );
  if (found?.id) return found.id;
  const res = await fetchImpl(lineItemsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/vnd.ims.lis.v2.lineitem+json' },
    body: JSON.stringify({ scoreMaximum: item.scoreMaximum, label: item.label, resourceId: item.resourceId, resourceLinkId: item.resourceLinkId }),
  });
  if (!res.ok) throw await failure('the platform refused to create the line item', res);
  const created = (await res.json()) as { id?: string };
  if (!created.id) throw new LtiServiceError('the platform created a line item without an id');
  return created.id;
}

export const AGS_GRADE_SCOPES = [AGS_SCOPES.lineItem, AGS_SCOPES.score] as const;

/** One member of an LMS course (NRPS 2.0 §2.2). */
export interface TMember {
  user_id: string;
  roles: string[];
  status?: 'Active' | 'Inactive' | 'Deleted';
  name?: string;
  email?: string;
}

/** Every member of a context (NRPS), following `Link: <…>; rel="next"` pages. */
export async function fetchMembers(membershipsUrl: string, accessToken: string, fetchImpl: TFetch = fetch): Promise<TMember[]> {
  const out: TMember[] = [];
  let next: string | null = membershipsUrl;
  for (let page = 0; next && page < 100; page++) {
    const res: Response = await fetchImpl(next, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json' },
    });
    if (!res.ok) throw await failure("the platform's roster (NRPS) could not be read", res);
    out.push(...(((await res.json()) as { members?: TMember[] }).members ?? []));
    next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
  }
  return out;
}
