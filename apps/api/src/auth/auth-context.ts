import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { UserRole } from '@epoch/db';
import type { TSessionUser } from '@epoch/accounts';

/** Who is calling: set on the request by the AuthGuard from the session cookie (the session's user and the session). */
export type AuthContext = TSessionUser;
/** `sessionToken`: the cookie's token (set with `auth`), for code that must ask again whether the session still lives. */
export type AuthedRequest = Request & { auth?: AuthContext; sessionToken?: string; id?: string };

export const PUBLIC_ROUTE = 'epoch:public';
export const ROLES = 'epoch:roles';

/** Reachable without a session (the caller, if signed in, is still known). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
/** Only these global roles may call the route (others get 403). */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);

/** The signed-in caller (routes without @Public() are never reached without one). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<AuthedRequest>().auth;
  if (!auth) throw new Error('Caller used on a route the AuthGuard let through without a session');
  return auth;
});
/** The caller when signed in, else undefined (for @Public() routes). */
export const OptionalCaller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthContext | undefined => ctx.switchToHttp().getRequest<AuthedRequest>().auth,
);
