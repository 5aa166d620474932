import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { LTI, ZLaunchMessage, type TLaunchMessage } from './claims';

/** Why a launch was refused (`code` for tests and logs, `message` for the page the user sees). */
export class LtiLaunchError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LtiLaunchError';
  }
}

/** What a launch is checked against: the platform's registration and the login's nonce. */
export interface TLaunchExpectation {
  issuer: string;
  clientId: string;
  deploymentIds: readonly string[];
  nonce: string;
  /** The platform's keys (see platformJwks). */
  jwks: JWTVerifyGetKey;
  /** Allowed clock difference for exp/iat/nbf, in seconds. */
  clockSkewSeconds: number;
  /** The ID token's greatest accepted age (iat), in seconds. */
  maxAgeSeconds: number;
}

const jwksCache = new Map<string, JWTVerifyGetKey>();

/**
 * A platform's JWKS, fetched once and cached (jose's remote key set: a token signed with a kid it does not hold makes
 * it fetch the set again, at most every 5 s, so a platform's key rotation is picked up without a restart).
 */
export function platformJwks(url: string): JWTVerifyGetKey {
  let set = jwksCache.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { cacheMaxAge: 10 * 60_000, cooldownDuration: 5_000, timeoutDuration: 5000 });
    jwksCache.set(url, set);
  }
  return set;
}

/**
 * Validates a launch's `id_token` (LTI Core §5.1.3, the IMS Security Framework §5.1.3): signature against the
 * platform's JWKS (RS256), issuer, audience (and `azp` when there are several audiences or it is sent), exp/iat with
 * the allowed clock skew, the login's nonce, a registered deployment id, and the message's required claims.
 */
export async function verifyLaunch(idToken: string, expect: TLaunchExpectation): Promise<TLaunchMessage> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(idToken, expect.jwks, {
      issuer: expect.issuer,
      audience: expect.clientId,
      algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'PS256'],
      clockTolerance: expect.clockSkewSeconds,
      maxTokenAge: expect.maxAgeSeconds + expect.clockSkewSeconds,
      requiredClaims: ['iat', 'exp', 'nonce', 'sub'],
    }));
  } catch (e) {
    throw launchErrorOf(e);
  }
  const aud = payload['aud'];
  const azp = payload['azp'];
  if ((Array.isArray(aud) && aud.length > 1 && azp === undefined) || (azp !== undefined && azp !== expect.clientId))
    throw new LtiLaunchError('wrong_azp', `the launch's authorized party (azp) is ${String(azp)}, not Epoch's client id ${expect.clientId}`);
  if (payload['nonce'] !== expect.nonce)
    throw new LtiLaunchError('wrong_nonce', 'the launch does not answer this login (its nonce differs): launch again from the LMS');
  const deployment = payload[LTI.deploymentId];
  if (typeof deployment !== 'string' || !expect.deploymentIds.includes(deployment))
    throw new LtiLaunchError(
      'unknown_deployment',
      `the deployment ${JSON.stringify(deployment ?? null)} is not registered for this platform (ask an Epoch admin to add it on the LMS platforms page)`,
    );
  const r = ZLaunchMessage.safeParse(payload);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new LtiLaunchError('invalid_message', `the launch message is not a valid LTI 1.3 message: ${i.path.join('.') || 'message'}: ${i.message}`);
  }
  return r.data;
}

function launchErrorOf(e: unknown): LtiLaunchError {
  if (e instanceof errors.JWTExpired && e.claim === 'iat') return new LtiLaunchError('too_old', `the launch is too old (iat): ${e.message}`);
  if (e instanceof errors.JWTExpired) return new LtiLaunchError('expired', 'the launch has expired (its exp is past): launch again from the LMS');
  if (e instanceof errors.JWSSignatureVerificationFailed)
    return new LtiLaunchError('bad_signature', "the launch's signature does not match the platform's keys");
  if (e instanceof errors.JWKSNoMatchingKey) return new LtiLaunchError('unknown_key', "the launch is signed with a key the platform's JWKS does not publish");
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return new LtiLaunchError('wrong_audience', `the launch is not meant for Epoch (aud): ${e.message}`);
    if (e.claim === 'iss') return new LtiLaunchError('wrong_issuer', `the launch comes from another issuer: ${e.message}`);
    if (e.claim === 'iat') return new LtiLaunchError('too_old', `the launch is too old or from the future (iat): ${e.message}`);
    return new LtiLaunchError('invalid_claims', `the launch's ${e.claim} claim is not valid: ${e.message}`);
  }
  if (e instanceof errors.JOSEError) return new LtiLaunchError('invalid_token', `the launch's id_token is not valid: ${e.message}`);
  return new LtiLaunchError('invalid_token', `the launch's id_token could not be checked: ${e instanceof Error ? e.message : String(e)}`);
}
