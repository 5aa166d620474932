import { SignJWT } from 'jose';
import { LTI } from './claims';
import { signingKey, TOOL_KEY_ALG, type TToolKey } from './keys';

/** One exercise offered back to the LMS as an LTI resource link (Deep Linking 2.0 §3.4.2), with a gradable line item. */
export interface TDeepLinkItem {
  title: string;
  /** The launch URL (Epoch's launch endpoint). */
  url: string;
  /** Sent back in every launch of the link: how Epoch knows its exercise without asking again. */
  custom: Record<string, string>;
  /** The line item's maximum (AGS): Epoch's grades are 0..1 of the exercise, scored out of this. */
  scoreMaximum?: number;
  resourceId?: string;
}

/**
 * The Deep Linking response JWT (Deep Linking 2.0 §4.2): signed with Epoch's current tool key, issued by Epoch's
 * client id to the platform, answering the request's nonce-free deployment and echoing its `data`.
 */
export async function deepLinkingResponse(
  key: TToolKey,
  input: { clientId: string; platformIssuer: string; deploymentId: string; data?: string; items: TDeepLinkItem[]; message?: string },
): Promise<string> {
  const contentItems = input.items.map((i) => ({
    type: 'ltiResourceLink',
    title: i.title,
    url: i.url,
    custom: i.custom,
    ...(i.scoreMaximum !== undefined
      ? { lineItem: { scoreMaximum: i.scoreMaximum, label: i.title, ...(i.resourceId ? { resourceId: i.resourceId } : {}) } }
      : {}),
  }));
  return new SignJWT({
    nonce: crypto.randomUUID(),
    [LTI.messageType]: 'LtiDeepLinkingResponse',
    [LTI.version]: '1.3.0',
    [LTI.deploymentId]: input.deploymentId,
    [LTI.contentItems]: contentItems,
    ...(input.data !== undefined ? { [LTI.data]: input.data } : {}),
    ...(input.message ? { 'https://purl.imsglobal.org/spec/lti-dl/claim/msg': input.message } : {}),
  })
    .setProtectedHeader({ alg: TOOL_KEY_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(input.clientId)
    .setAudience(input.platformIssuer)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await signingKey(key));
}
