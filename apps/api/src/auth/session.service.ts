import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EpochPrismaClient, UserRole } from '@epoch/db';
import { API_CONFIG, PRISMA, type TApiConfig } from '../config';
import type { AuthContext } from './auth-context';

export const SESSION_COOKIE = 'epoch_session';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** At most this many resolved sessions are remembered (the oldest go first). */
const CACHE_ENTRIES = 10_000;

/**
 * Server-side sessions: the cookie holds a random token, the database only its SHA-256 (a leak yields no sessions).
 * A resolved session is remembered for EPOCH_SESSION_CACHE_MS (every request needs it; polling clients make many).
 * Sign-out, sign-out everywhere and a password change forget it at once in this process; another API process may
 * still accept it until its copy expires (at most EPOCH_SESSION_CACHE_MS; 0 turns the cache off).
 */
@Injectable()
export class SessionService {
  private readonly cache = new Map<string, { ctx: AuthContext; until: number }>();

  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
  ) {}

  async create(userId: string, meta: { userAgent?: string; ip?: string }): Promise<{ token: string; expiresAt: Date; csrfSecret: string }> {
    const token = randomBytes(32).toString('base64url');
    const csrfSecret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.EPOCH_SESSION_TTL_HOURS * 3600_000);
    await this.prisma.session.create({
      data: { tokenHash: sha256(token), userId, csrfSecret, expiresAt, userAgent: meta.userAgent?.slice(0, 500) ?? null, ip: meta.ip ?? null },
    });
    return { token, expiresAt, csrfSecret };
  }

  /** The live session of a cookie token (not revoked, not expired), with its user. */
  async resolve(token: string): Promise<AuthContext | null> {
    if (token.length < 16 || token.length > 128) return null;
    const hash = sha256(token);
    const ttl = this.config.EPOCH_SESSION_CACHE_MS;
    const hit = ttl > 0 ? this.cache.get(hash) : undefined;
    if (hit && hit.until > Date.now()) return hit.ctx;
    if (hit) this.cache.delete(hash);
    // One round trip (the relation include would take two).
    const rows = await this.prisma.$queryRaw<{ id: string; csrfSecret: string; userId: string; email: string; name: string; role: UserRole }[]>`
      select s.id, s."csrfSecret", u.id as "userId", u.email, u.name, u.role::text as role
      from sessions s join users u on u.id = s."userId"
      where s."tokenHash" = ${hash} and s."revokedAt" is null and s."expiresAt" > now()`;
    const s = rows[0];
    if (!s) return null;
    const ctx: AuthContext = { userId: s.userId, email: s.email, name: s.name, role: s.role, sessionId: s.id, csrfSecret: s.csrfSecret };
    if (ttl > 0) {
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

  async revoke(sessionId: string): Promise<void> {
    this.forget({ sessionId });
    await this.prisma.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  /** Revokes every live session of a user, optionally keeping one (the caller's, after a password change). */
  async revokeAll(userId: string, keepSessionId?: string): Promise<number> {
    this.forget({ userId, keepSessionId });
    const r = await this.prisma.session.updateMany({
      where: { userId, revokedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
      data: { revokedAt: new Date() },
    });
    return r.count;
  }

  cookie(token: string, expiresAt: Date): string {
    return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Expires=${expiresAt.toUTCString()}${this.config.EPOCH_COOKIE_SECURE ? '; Secure' : ''}`;
  }

  clearCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${this.config.EPOCH_COOKIE_SECURE ? '; Secure' : ''}`;
  }
}
