import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { parseCookie } from 'cookie';
import { API_CONFIG, type TApiConfig } from '../config';
import { notFound } from '../http/api-error';
import { Public, type AuthedRequest } from './auth-context';
import { OIDC_FLOW_SECONDS, OidcRefusal, OidcService } from './oidc.service';
import { SessionService } from './session.service';

/** The cookie that ties a sign-in's callback to the browser that started it (holds the flow's random state). */
const FLOW_COOKIE = 'epoch_oidc_state';

/** OpenID Connect sign-in: redirects to the provider and back; refusals land on the sign-in page with the reason. */
@Controller('api/auth/oidc')
export class OidcController {
  constructor(
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(OidcService) private readonly oidc: OidcService,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {}

  private flowCookie(value: string, maxAge: number): string {
    return `${FLOW_COOKIE}=${value}; Path=/api/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${this.config.EPOCH_COOKIE_SECURE ? '; Secure' : ''}`;
  }

  private signInPage(error: string): string {
    const u = new URL('/sign-in', this.config.EPOCH_PUBLIC_URL);
    u.searchParams.set('sso_error', error.slice(0, 300));
    return u.href;
  }

  @Public()
  @Get('start')
  async start(@Query('next') next: string | undefined, @Res() res: Response): Promise<void> {
    if (!this.oidc.enabled) throw notFound('OpenID Connect sign-in is not configured on this server');
    try {
      const { url, state } = await this.oidc.start(typeof next === 'string' ? next : undefined);
      res.setHeader('Set-Cookie', this.flowCookie(state, OIDC_FLOW_SECONDS));
      res.redirect(302, url);
    } catch (e) {
      if (!(e instanceof OidcRefusal)) throw e;
      res.redirect(302, this.signInPage(e.message));
    }
  }

  @Public()
  @Get('callback')
  async callback(@Query() query: Record<string, unknown>, @Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    if (!this.oidc.enabled) throw notFound('OpenID Connect sign-in is not configured on this server');
    const params = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const cookieState = req.headers.cookie ? parseCookie(req.headers.cookie)[FLOW_COOKIE] : undefined;
    try {
      const r = await this.oidc.finish(params, cookieState, { ip: req.ip, userAgent: req.header('user-agent') });
      res.setHeader('Set-Cookie', [this.flowCookie('', 0), this.sessions.cookie(r.token, r.expiresAt)]);
      res.redirect(302, new URL(r.next, this.config.EPOCH_PUBLIC_URL).href);
    } catch (e) {
      if (!(e instanceof OidcRefusal)) throw e;
      res.setHeader('Set-Cookie', this.flowCookie('', 0));
      res.redirect(302, this.signInPage(e.message));
    }
  }
}
