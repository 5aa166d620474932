import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { parseCookie } from 'cookie';
import { LtiLaunchError } from '@epoch/lti';
import { ZLtiPickRequest, type TLtiPickRequest, type TLtiPickResult, type TLtiPickView } from '@epoch/contracts';
import { API_CONFIG, PRISMA, type TApiConfig } from '../config';
import type { EpochPrismaClient } from '@epoch/db';
import { ZodPipe } from '../http/zod.pipe';
import { ApiError } from '../http/api-error';
import { Caller, Public, type AuthContext, type AuthedRequest } from '../auth/auth-context';
import { SessionService } from '../auth/session.service';
import { sendLtiPage } from './lti-pages';
import { frameAncestorsOf } from './lti-platforms';
import { toolJwks } from './lti-keys';
import { LtiCookieBlocked, LtiService, ZLoginInitiation } from './lti.service';

/** Ties the platform's form post back to the browser that started the login (SameSite=None: it arrives cross-site). */
const STATE_COOKIE = 'epoch_lti_state';

/** LTI 1.3: the login initiation, the launch (form post from the LMS), Epoch's JWKS, and the instructor's picker. */
@Controller('api/lti')
export class LtiController {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(LtiService) private readonly lti: LtiService,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
  ) {}

  private framingOrigins(): Promise<string[]> {
    return frameAncestorsOf(this.prisma, this.config.EPOCH_FRAME_ANCESTORS);
  }

  private async refuse(res: Response, e: unknown): Promise<void> {
    const ancestors = await this.framingOrigins();
    if (e instanceof LtiCookieBlocked) {
      return sendLtiPage(
        res,
        200,
        ancestors,
        'Open Epoch in a new window',
        "Your browser blocks Epoch's cookies inside the LMS page, so the exercise cannot open here. Open it in a window of its own: you stay signed in to the LMS.",
        { href: e.relaunchUrl, label: 'Open in a new window' },
      );
    }
    if (e instanceof LtiLaunchError) return sendLtiPage(res, 400, ancestors, 'This launch was refused', e.message);
    throw e;
  }

  @Public()
  @Get('login')
  loginGet(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    return this.login(query, res);
  }

  @Public()
  @Post('login')
  @HttpCode(302)
  loginPost(@Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    return this.login(body, res);
  }

  private async login(params: Record<string, unknown>, res: Response): Promise<void> {
    const p = ZLoginInitiation.safeParse(params ?? {});
    try {
      if (!p.success)
        throw new LtiLaunchError(
          'bad_login',
          `the LMS's login request is incomplete: ${p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      const { url, state } = await this.lti.login(p.data);
      res.setHeader('Set-Cookie', `${STATE_COOKIE}=${state}; Path=/api/lti; HttpOnly; SameSite=None; Secure; Max-Age=600`);
      res.redirect(302, url);
    } catch (e) {
      await this.refuse(res, e);
    }
  }

  @Public()
  @Post('launch')
  @HttpCode(302)
  async launch(@Body() body: Record<string, unknown>, @Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const cookieState = req.headers.cookie ? parseCookie(req.headers.cookie)[STATE_COOKIE] : undefined;
    try {
      const r = await this.lti.launch(body ?? {}, cookieState, { ip: req.ip, userAgent: req.header('user-agent') });
      const clear = `${STATE_COOKIE}=; Path=/api/lti; HttpOnly; SameSite=None; Secure; Max-Age=0`;
      if (r.kind === 'not-ready') {
        res.setHeader('Set-Cookie', clear);
        return sendLtiPage(res, 200, await this.framingOrigins(), 'Not set up yet', r.message);
      }
      res.setHeader('Set-Cookie', [clear, this.sessions.ltiCookie(r.session.token, r.session.expiresAt)]);
      res.redirect(302, r.redirect);
    } catch (e) {
      await this.refuse(res, e);
    }
  }

  /** Epoch's public keys as a tool (the LMS's "public JWK URL" / "keyset URL"). */
  @Public()
  @Get('jwks')
  async jwks(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    res.setHeader('Cache-Control', 'public, max-age=300');
    return toolJwks(this.prisma);
  }

  /** The origins that may frame Epoch (registered platforms and EPOCH_FRAME_ANCESTORS), for the web app's CSP. */
  @Public()
  @Get('frame-ancestors')
  async frameAncestors(): Promise<{ origins: string[] }> {
    return { origins: await this.framingOrigins() };
  }

  @Get('picks/:id')
  pickView(@Caller() caller: AuthContext, @Param('id') id: string): Promise<TLtiPickView> {
    return this.lti.pickView(id, caller);
  }

  @Post('picks/:id')
  @HttpCode(200)
  async pick(@Caller() caller: AuthContext, @Param('id') id: string, @Body(new ZodPipe(ZLtiPickRequest)) body: TLtiPickRequest): Promise<TLtiPickResult> {
    try {
      return await this.lti.pick(id, caller, body.exerciseId);
    } catch (e) {
      if (e instanceof LtiLaunchError) throw new ApiError(409, e.code, e.message);
      throw e;
    }
  }
}
