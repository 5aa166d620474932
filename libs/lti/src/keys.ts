import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';

/** One of Epoch's signing keys as a tool: RS256 (what every LMS accepts), its kid the public key's thumbprint. */
export interface TToolKey {
  kid: string;
  publicJwk: JWK;
  privateJwk: JWK;
}

export const TOOL_KEY_ALG = 'RS256';

export async function generateToolKey(): Promise<TToolKey> {
  const { publicKey, privateKey } = await generateKeyPair(TOOL_KEY_ALG, { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const meta = { kid, alg: TOOL_KEY_ALG, use: 'sig' };
  return { kid, publicJwk: { ...publicJwk, ...meta }, privateJwk: { ...(await exportJWK(privateKey)), ...meta } };
}

/** The JWKS Epoch publishes: the public halves only (private members are dropped even if a caller passes them). */
export function publicJwks(keys: readonly { publicJwk: JWK }[]): { keys: JWK[] } {
  return {
    keys: keys.map(({ publicJwk: { kty, n, e, kid, alg, use } }) => ({ kty, n, e, kid, alg: alg ?? TOOL_KEY_ALG, use: use ?? 'sig' })),
  };
}

export async function signingKey(key: Pick<TToolKey, 'privateJwk'>): Promise<CryptoKey> {
  return (await importJWK(key.privateJwk, TOOL_KEY_ALG)) as CryptoKey;
}
