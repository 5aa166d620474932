import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { TAccounts, TSignInPolicy } from '@epoch/accounts';
import { DEMO_ACCOUNTS } from '@epoch/db';
import {
  PASSWORD_RULES,
  ZChangePasswordRequest,
  ZJoinCourseRequest,
  ZPasswordResetRequest,
  ZSignInRequest,
  type TChangePasswordRequest,
  type TJoinCourseRequest,
  type TJoinPreview,
  type TMe,
  type TPasswordResetInfo,
  type TPasswordResetRequest,
  type TSignInRequest,
  type TSiteInfo,
} from '@epoch/contracts';
import { ACCOUNTS, API_CONFIG, type TApiConfig } from '../config';
import { ApiError } from '../http/api-error';
import { ZodPipe } from '../http/zod.pipe';
import { Caller, Public, Roles, type AuthContext, type AuthedRequest } from './auth-context';
import { LoginLimiter } from './login-limiter';
import { SessionService } from './session.service';
import { LiveStreams } from '../submissions/live-streams';

/** Sign-in, sessions, password and joining a course: HTTP around @epoch/accounts' use cases (cookies, rate limit). */
@Controller('api')
export class AuthController {
  private readonly policy: TSignInPolicy;

  constructor(
    @Inject(ACCOUNTS) private readonly accounts: TAccounts,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(LoginLimiter) private readonly limiter: LoginLimiter,
    @Inject(LiveStreams) private readonly streams: LiveStreams,
  ) {
    this.policy = {
      maxFailures: config.EPOCH_LOGIN_MAX_FAILURES,
      lockSeconds: config.EPOCH_LOGIN_LOCK_SECONDS,
      sessionTtlHours: config.EPOCH_SESSION_TTL_HOURS,
    };
  }

  @Public()
  @Post('auth/sign-in')
  @HttpCode(200)
  async signIn(@Body(new ZodPipe(ZSignInRequest)) body: TSignInRequest, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<TMe> {
    if (!this.config.EPOCH_PASSWORD_LOGIN)
      throw new ApiError(403, 'password_login_off', `password sign-in is turned off on this server: sign in with ${this.config.EPOCH_OIDC_NAME}`);
    try {
      await this.limiter.hit(req.ip ?? 'unknown');
    } catch (e) {
      if (e instanceof ApiError && 'retryAfter' in e) res.setHeader('Retry-After', String(e.retryAfter));
      throw e;
    }
    const { me, token, expiresAt } = await this.accounts.signIn(
      { email: body.email, password: body.password, userAgent: req.header('user-agent'), ip: req.ip },
      this.policy,
    );
    res.setHeader('Set-Cookie', this.sessions.cookie(token, expiresAt));
    return me;
  }

  @Post('auth/sign-out')
  @HttpCode(204)
  async signOut(@Caller() caller: AuthContext, @Res({ passthrough: true }) res: Response): Promise<void> {
    this.sessions.forget({ sessionId: caller.sessionId });
    await this.accounts.signOut(caller.sessionId);
    this.streams.endSessions({ userId: caller.userId, sessionId: caller.sessionId }, 'signed out');
    res.setHeader('Set-Cookie', this.sessions.clearCookie());
  }

  /** Revokes every session of the caller, on every device (this one included). */
  @Post('auth/sign-out-everywhere')
  @HttpCode(200)
  async signOutEverywhere(@Caller() caller: AuthContext, @Res({ passthrough: true }) res: Response): Promise<{ revoked: number }> {
    this.sessions.forget({ userId: caller.userId });
    const r = await this.accounts.signOutEverywhere(caller.userId);
    this.streams.endSessions({ userId: caller.userId }, 'signed out everywhere');
    res.setHeader('Set-Cookie', this.sessions.clearCookie());
    return r;
  }

  /** Changes the caller's password; every other session is revoked (this one stays signed in). */
  @Post('auth/password')
  @HttpCode(204)
  async changePassword(
    @Caller() caller: AuthContext,
    @Body(new ZodPipe(ZChangePasswordRequest)) body: TChangePasswordRequest,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    await this.accounts.changePassword(caller, body, this.policy, { ip: req.ip });
    this.sessions.forget({ userId: caller.userId, keepSessionId: caller.sessionId });
    this.streams.endSessions({ userId: caller.userId, keepSessionId: caller.sessionId }, 'the password was changed');
  }

  @Get('me')
  getMe(@Caller() caller: AuthContext): Promise<TMe> {
    return this.accounts.currentUser(caller);
  }

  /** How this server runs: demo mode lists the demo accounts (their passwords are published); production lists none. */
  @Public()
  @Get('site')
  site(): TSiteInfo {
    return {
      demo: this.config.EPOCH_DEMO,
      demoAccounts: this.config.EPOCH_DEMO ? DEMO_ACCOUNTS.map((a) => ({ role: a.role, email: a.email, name: a.name, password: a.password })) : [],
      passwordRules: PASSWORD_RULES,
      passwordLogin: this.config.EPOCH_PASSWORD_LOGIN,
      oidc: this.config.EPOCH_OIDC_ISSUER ? { name: this.config.EPOCH_OIDC_NAME, startUrl: '/api/auth/oidc/start' } : null,
    };
  }

  /** Whose password a reset link sets, and until when (refused: invalid, used or expired links). */
  @Public()
  @Get('auth/password-reset')
  resetInfo(@Query('token') token: string | undefined): Promise<TPasswordResetInfo> {
    return this.accounts.passwordResetInfo(token ?? '');
  }

  /** Sets a new password with a reset link's token (used once); every session of the account ends. */
  @Public()
  @Post('auth/password-reset')
  @HttpCode(200)
  async resetPassword(@Body(new ZodPipe(ZPasswordResetRequest)) body: TPasswordResetRequest): Promise<{ email: string }> {
    const r = await this.accounts.resetPassword(body.token, body.newPassword);
    this.sessions.forget({ userId: r.userId });
    return { email: r.email };
  }

  /** The course an enrollment code opens (to confirm before joining); refused like joining (bad, disabled, outside the window). */
  @Roles('STUDENT')
  @Get('enrollments/preview')
  preview(@Caller() caller: AuthContext, @Query('code') code: string | undefined): Promise<TJoinPreview> {
    return this.accounts.previewJoin(caller.userId, code ?? '');
  }

  /** A student joins a course with its enrollment code (joining again is harmless). */
  @Roles('STUDENT')
  @Post('enrollments')
  @HttpCode(200)
  join(
    @Caller() caller: AuthContext,
    @Body(new ZodPipe(ZJoinCourseRequest)) body: TJoinCourseRequest,
  ): Promise<{ slug: string; title: string; role: 'STUDENT' | 'INSTRUCTOR' }> {
    return this.accounts.joinCourse(caller.userId, body.enrollmentCode);
  }
}
