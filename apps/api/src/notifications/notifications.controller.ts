import { Body, Controller, Get, Inject, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { ZNotificationPreferencesRequest, type TNotificationPreferences, type TNotificationPreferencesRequest, type TResultNotices } from '@epoch/contracts';
import type { EpochPrismaClient } from '@epoch/db';
import type { TMailer } from '@epoch/accounts';
import { notificationPreferences, resultNotices, setNotificationPreferences } from '@epoch/grading';
import { MAILER, PRISMA } from '../config';
import { Caller, type AuthContext } from '../auth/auth-context';
import { ZodPipe } from '../http/zod.pipe';

const ZSince = z.object({ since: z.iso.datetime({ offset: true, message: 'since must be an ISO date-time, e.g. 2026-12-06T05:00:00Z' }) });

/** The caller's notification preferences, and the results an open page announces (browser notifications). */
@Controller('api/me')
export class NotificationsController {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(MAILER) private readonly mailer: TMailer | null,
  ) {}

  @Get('notification-preferences')
  async preferences(@Caller() caller: AuthContext): Promise<TNotificationPreferences> {
    return { ...(await notificationPreferences(this.prisma, caller.userId)), emailAvailable: this.mailer !== null };
  }

  @Put('notification-preferences')
  async setPreferences(
    @Caller() caller: AuthContext,
    @Body(new ZodPipe(ZNotificationPreferencesRequest)) body: TNotificationPreferencesRequest,
  ): Promise<TNotificationPreferences> {
    return { ...(await setNotificationPreferences(this.prisma, caller.userId, body)), emailAvailable: this.mailer !== null };
  }

  /** The caller's submissions that ended after `since` (the previous answer's `now`). */
  @Get('result-notices')
  notices(@Caller() caller: AuthContext, @Query(new ZodPipe(ZSince, 'query')) q: { since: string }): Promise<TResultNotices> {
    return resultNotices(this.prisma, caller.userId, new Date(q.since));
  }
}
