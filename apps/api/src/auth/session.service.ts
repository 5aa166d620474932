import { Inject, Injectable } from '@nestjs/common';
import { sessionTokenHash, type TAccounts } from '@epoch/accounts';
import { ACCOUNTS, API_CONFIG, type TApiConfig } from '../config';
import type { AuthContext } from './auth-context';

export const SESSION_COOKIE = 'epoch_session';

/** At most this many resolved sessions are remembered (the oldest go first). */
const CACHE_ENTRIES = 10_000;

/**
 * The session cookie and this process's memory of resolved sessions (the sessions themselves are @epoch/accounts'
 * use cases: the cookie holds a random token, the database only its SHA-256). A resolved session is remembered for
 * EPOCH_SESSION_CACHE_MS (every request needs it; polling clients make many). Sign-out, sign-out everywhere and a
 * password change forget it at once in this process; another API process may still accept it until its copy expires
 * (at most EPOCH_SESSION_CACHE_MS; 0 turns the cache off).
 */
@Injectable()
export class SessionService {
  private readonly cache = new Map<string, { ctx: AuthContext; until: number }>();

  constructor(
    @Inject(ACCOUNTS) private readonly accounts: TAccounts,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
  ) {}

  /** The live session of a cookie token (not revoked, not expired), with its user. */
  async resolve(token: string): Promise<AuthContext | null> {
    const ttl = this.config.EPOCH_SESSION_CACHE_MS;
    const hash = ttl > 0 ? sessionTokenHash(token) : '';
    const hit = ttl > 0 ? this.cache.get(hash) : undefined;
    if (hit && hit.until > Date.now()) return hit.ctx;
    if (hit) this.cache.delete(hash);
    const ctx = await this.accounts.resolveSession(token);
    if (ctx && ttl > 0) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(hash, { ctx, until: Date.now() + ttl });
    }
    return ctx;
  }

  /** Forgets remembered sessions of a user (all, or all but `keepSessionId`), or one session. */
  forget(match: { userId: string; keepSessionId?: string } | { sessionId: string }): void {
    for (const [hash, { ctx }] of this.cache) {
      const gone = 'sessionId' in match ? ctx.sessionId === match.sessionId : ctx.userId === match.userId && ctx.sessionId !== match.keepSessionId;
      if (gone) this.cache.delete(hash);
    }
  }

  cookie(token: string, expiresAt: Date): string {
    return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Expires=${expiresAt.toUTCString()}${this.config.EPOCH_COOKIE_SECURE ? '; Secure' : ''}`;
  }

  /**
   * The session cookie of an LTI launch: Epoch runs inside the LMS's iframe (another site), where a SameSite=Lax
   * cookie is never sent, so it is `SameSite=None; Secure` (HTTPS deployments, EPOCH_COOKIE_SECURE). CSRF stays
   * covered by the X-CSRF-Token header every state-changing request needs. Without HTTPS it is the ordinary cookie.
   */
  ltiCookie(token: string, expiresAt: Date): string {
    if (!this.config.EPOCH_COOKIE_SECURE) return this.cookie(token, expiresAt);
    return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=None; Secure; Expires=${expiresAt.toUTCString()}`;
  }

  clearCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${this.config.EPOCH_COOKIE_SECURE ? '; Secure' : ''}`;
  }
}
