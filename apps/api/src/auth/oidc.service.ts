import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { DomainError, type TMe } from '@epoch/contracts';
import type { TAccounts } from '@epoch/accounts';
import { ACCOUNTS, API_CONFIG, REDIS, type TApiConfig } from '../config';

/** How long a started sign-in may take at the provider (the state, nonce and PKCE verifier live this long). */
export const OIDC_FLOW_SECONDS = 600;

const ZFlow = z.object({ verifier: z.string(), nonce: z.string(), next: z.string() });

/** openid-client's error in words: the provider's own error and description, or the check that failed and why. */
export function describeOidcError(e: unknown): string {
  if (e instanceof oidc.ResponseBodyError) return `${e.error}${e.error_description ? ` (${e.error_description})` : ''}`;
  if (e instanceof oidc.AuthorizationResponseError) return `${e.error}${e.error_description ? ` (${e.error_description})` : ''}`;
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  return cause && cause !== e.message ? `${e.message}: ${cause}` : e.message;
}

/** A sign-in refused at the callback: said on the sign-in page (`/sign-in?sso_error=`). */
export class OidcRefusal extends Error {}

const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** Only a path of this site may be where a sign-in returns to (never another origin). */
export const safeNext = (next: string | undefined): string => (next && /^\/(?![/\\])/.test(next) ? next.slice(0, 500) : '/');

/**
 * OpenID Connect sign-in (authorization code flow with PKCE, state and nonce) with openid-client. The provider's
 * metadata is discovered on first use (and again after a failed discovery). The flow's secrets are kept in Redis under
 * the random `state` and taken once; the browser also holds the state in a cookie, so a callback from another browser
 * (login CSRF) is refused. Account linking is @epoch/accounts' signInWithIdentity.
 */
@Injectable()
export class OidcService {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ACCOUNTS) private readonly accounts: TAccounts,
  ) {}

  get enabled(): boolean {
    return this.config.EPOCH_OIDC_ISSUER !== undefined;
  }

  get redirectUri(): string {
    return new URL('/api/auth/oidc/callback', this.config.EPOCH_PUBLIC_URL).href;
  }

  private key(state: string): string {
    return `${this.config.EPOCH_QUEUE_PREFIX}:epoch:oidc-flow:${state}`;
  }

  private provider(): Promise<oidc.Configuration> {
    const issuer = new URL(this.config.EPOCH_OIDC_ISSUER!);
    this.discovered ??= oidc
      .discovery(
        issuer,
        this.config.EPOCH_OIDC_CLIENT_ID!,
        this.config.EPOCH_OIDC_CLIENT_SECRET,
        undefined,
        // Plain http only for a provider on this machine (tests, development).
        issuer.protocol === 'http:' && isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        this.discovered = undefined;
        throw new OidcRefusal(`the identity provider ${issuer.href} cannot be reached (${e instanceof Error ? e.message : String(e)})`);
      });
    return this.discovered;
  }

  /** Starts a sign-in: the provider's authorization URL, and the state the browser keeps in a cookie. */
  async start(next: string | undefined): Promise<{ url: string; state: string }> {
    const config = await this.provider();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    await this.redis.set(this.key(state), JSON.stringify({ verifier, nonce, next: safeNext(next) }), 'EX', OIDC_FLOW_SECONDS);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.config.EPOCH_OIDC_SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /**
   * Finishes a sign-in at the callback: the state must be this browser's (cookie) and unused, the code is exchanged
   * (PKCE), the ID token checked (signature, issuer, audience, nonce, expiry), and the account linked or created.
   */
  async finish(
    query: Record<string, string>,
    cookieState: string | undefined,
    meta: { ip?: string; userAgent?: string },
  ): Promise<{ me: TMe; token: string; expiresAt: Date; next: string }> {
    if (query['error']) throw new OidcRefusal(`the identity provider refused the sign-in: ${query['error_description'] ?? query['error']}`);
    const state = query['state'];
    if (!state) throw new OidcRefusal('the identity provider answered without a state');
    if (state !== cookieState) throw new OidcRefusal('this sign-in was not started in this browser (or its cookie expired): start again');
    const raw = await this.redis.getdel(this.key(state));
    const flow = raw ? ZFlow.safeParse(JSON.parse(raw)) : undefined;
    if (!flow?.success) throw new OidcRefusal('this sign-in expired or was already used: start again');
    const config = await this.provider();
    const current = new URL(this.redirectUri);
    for (const [k, v] of Object.entries(query)) current.searchParams.set(k, v);
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: flow.data.verifier,
        expectedNonce: flow.data.nonce,
        expectedState: state,
        idTokenExpected: true,
      });
      claims = tokens.claims() ?? {};
    } catch (e) {
      throw new OidcRefusal(`the identity provider's answer was refused: ${describeOidcError(e)}`);
    }
    const email = claims[this.config.EPOCH_OIDC_EMAIL_CLAIM];
    const name = claims[this.config.EPOCH_OIDC_NAME_CLAIM];
    try {
      const r = await this.accounts.signInWithIdentity(
        {
          provider: config.serverMetadata().issuer,
          subject: String(claims['sub']),
          email: typeof email === 'string' ? email : '',
          emailVerified: claims['email_verified'] === true,
          name: typeof name === 'string' ? name : '',
        },
        { allowedDomains: this.config.EPOCH_OIDC_ALLOWED_DOMAINS },
        { sessionTtlHours: this.config.EPOCH_SESSION_TTL_HOURS },
        meta,
      );
      return { ...r, next: flow.data.next };
    } catch (e) {
      if (e instanceof DomainError) throw new OidcRefusal(e.message);
      throw e;
    }
  }
}
