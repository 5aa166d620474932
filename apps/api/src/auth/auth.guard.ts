import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { parseCookie } from 'cookie';
import type { UserRole } from '@epoch/db';
import { forbidden, unauthenticated, ApiError } from '../http/api-error';
import { PUBLIC_ROUTE, ROLES, type AuthedRequest } from './auth-context';
import { SESSION_COOKIE, SessionService } from './session.service';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Global guard: resolves the session cookie, requires a session unless the route is @Public(), enforces @Roles(),
 * and requires the session's CSRF token in `X-CSRF-Token` on every state-changing request made with a session.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const token = req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
    if (token) {
      req.auth = (await this.sessions.resolve(token)) ?? undefined;
      if (req.auth) req.sessionToken = token;
    }
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true;
    if (isPublic) return true;
    if (!req.auth) throw unauthenticated();
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.header('x-csrf-token');
      if (!header || !sameSecret(header, req.auth.csrfSecret))
        throw new ApiError(403, 'csrf_failed', 'missing or wrong X-CSRF-Token header (take it from GET /api/me)');
    }
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(req.auth.role)) throw forbidden(`only ${roles.join(' or ')} may do this`);
    return true;
  }
}
