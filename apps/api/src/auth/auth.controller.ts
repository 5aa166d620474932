import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { hashPassword, verifyPassword, type EpochPrismaClient } from '@epoch/db';
import {
  ZChangePasswordRequest,
  ZJoinCourseRequest,
  ZSignInRequest,
  type TChangePasswordRequest,
  type TJoinCourseRequest,
  type TMe,
  type TSignInRequest,
} from '@epoch/contracts';
import { API_CONFIG, PRISMA, type TApiConfig } from '../config';
import { ApiError, badRequest } from '../http/api-error';
import { ZodPipe } from '../http/zod.pipe';
import { Caller, Public, Roles, type AuthContext, type AuthedRequest } from './auth-context';
import { LoginLimiter } from './login-limiter';
import { SessionService } from './session.service';

const invalidCredentials = () => new ApiError(401, 'invalid_credentials', 'wrong email or password');

@Controller('api')
export class AuthController {
  /** Verified against when the email is unknown, so both cases take the same time (no account enumeration). */
  private dummyHash: Promise<string> | undefined;

  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(LoginLimiter) private readonly limiter: LoginLimiter,
  ) {}

  @Public()
  @Post('auth/sign-in')
  @HttpCode(200)
  async signIn(@Body(new ZodPipe(ZSignInRequest)) body: TSignInRequest, @Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<TMe> {
    try {
      await this.limiter.hit(req.ip ?? 'unknown');
    } catch (e) {
      if (e instanceof ApiError && 'retryAfter' in e) res.setHeader('Retry-After', String(e.retryAfter));
      throw e;
    }
    const email = body.email.toLowerCase();
    const user = await this.prisma.user.findUnique({ where: { email } });
    if (!user) {
      this.dummyHash ??= hashPassword('epoch-dummy-password-for-timing');
      await verifyPassword(await this.dummyHash, body.password);
      throw invalidCredentials();
    }
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      throw new ApiError(423, 'account_locked', `too many failed sign-ins; the account is locked until ${user.lockedUntil.toISOString()}`);
    }
    if (!(await verifyPassword(user.passwordHash, body.password))) {
      const failed = user.failedLogins + 1;
      const lock = failed >= this.config.EPOCH_LOGIN_MAX_FAILURES;
      await this.prisma.$transaction([
        this.prisma.user.update({
          where: { id: user.id },
          data: lock ? { failedLogins: 0, lockedUntil: new Date(Date.now() + this.config.EPOCH_LOGIN_LOCK_SECONDS * 1000) } : { failedLogins: failed },
        }),
        ...(lock
          ? [
              this.prisma.auditLog.create({
                data: { action: 'user.locked', entityType: 'User', entityId: user.id, data: { failures: failed, ip: req.ip ?? null } },
              }),
            ]
          : []),
      ]);
      throw invalidCredentials();
    }
    if (user.failedLogins > 0 || user.lockedUntil) await this.prisma.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
    const session = await this.sessions.create(user.id, { userAgent: req.header('user-agent'), ip: req.ip });
    res.setHeader('Set-Cookie', this.sessions.cookie(session.token, session.expiresAt));
    return this.me({ userId: user.id, email: user.email, name: user.name, role: user.role, sessionId: '', csrfSecret: session.csrfSecret });
  }

  @Post('auth/sign-out')
  @HttpCode(204)
  async signOut(@Caller() caller: AuthContext, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.revoke(caller.sessionId);
    res.setHeader('Set-Cookie', this.sessions.clearCookie());
  }

  /** Revokes every session of the caller, on every device (this one included). */
  @Post('auth/sign-out-everywhere')
  @HttpCode(200)
  async signOutEverywhere(@Caller() caller: AuthContext, @Res({ passthrough: true }) res: Response): Promise<{ revoked: number }> {
    const revoked = await this.sessions.revokeAll(caller.userId);
    await this.prisma.auditLog.create({
      data: { actorId: caller.userId, action: 'user.sign-out-everywhere', entityType: 'User', entityId: caller.userId, data: { revoked } },
    });
    res.setHeader('Set-Cookie', this.sessions.clearCookie());
    return { revoked };
  }

  /** Changes the caller's password; every other session is revoked (this one stays signed in). */
  @Post('auth/password')
  @HttpCode(204)
  async changePassword(@Caller() caller: AuthContext, @Body(new ZodPipe(ZChangePasswordRequest)) body: TChangePasswordRequest): Promise<void> {
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: caller.userId } });
    if (!(await verifyPassword(user.passwordHash, body.currentPassword))) {
      throw badRequest('the current password is wrong', [{ path: 'currentPassword', message: 'wrong password' }], 'wrong_password');
    }
    if (body.newPassword === body.currentPassword)
      throw badRequest('the new password must differ from the current one', [{ path: 'newPassword', message: 'same as the current password' }]);
    const passwordHash = await hashPassword(body.newPassword);
    await this.prisma.$transaction([
      this.prisma.user.update({ where: { id: user.id }, data: { passwordHash } }),
      this.prisma.session.updateMany({ where: { userId: user.id, revokedAt: null, id: { not: caller.sessionId } }, data: { revokedAt: new Date() } }),
      this.prisma.auditLog.create({ data: { actorId: user.id, action: 'user.password-change', entityType: 'User', entityId: user.id } }),
    ]);
    this.sessions.forget({ userId: user.id, keepSessionId: caller.sessionId });
  }

  @Get('me')
  async getMe(@Caller() caller: AuthContext): Promise<TMe> {
    return this.me(caller);
  }

  /** A student joins a course with its enrollment code (joining again is harmless). */
  @Roles('STUDENT')
  @Post('enrollments')
  @HttpCode(200)
  async join(
    @Caller() caller: AuthContext,
    @Body(new ZodPipe(ZJoinCourseRequest)) body: TJoinCourseRequest,
  ): Promise<{ slug: string; title: string; role: 'STUDENT' | 'INSTRUCTOR' }> {
    const course = await this.prisma.course.findUnique({ where: { enrollmentCode: body.enrollmentCode.toUpperCase() } });
    if (!course) throw badRequest('no course has this enrollment code', [{ path: 'enrollmentCode', message: 'unknown code' }], 'invalid_enrollment_code');
    const e = await this.prisma.enrollment.upsert({
      where: { userId_courseId: { userId: caller.userId, courseId: course.id } },
      create: { userId: caller.userId, courseId: course.id, role: 'STUDENT' },
      update: {},
    });
    return { slug: course.slug, title: course.title, role: e.role };
  }

  private async me(caller: AuthContext): Promise<TMe> {
    const enrollments = await this.prisma.enrollment.findMany({
      where: { userId: caller.userId },
      include: { course: { select: { slug: true, title: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return {
      id: caller.userId,
      email: caller.email,
      name: caller.name,
      role: caller.role,
      csrfToken: caller.csrfSecret,
      courses: enrollments.map((e) => ({ slug: e.course.slug, title: e.course.title, role: e.role })),
    };
  }
}
