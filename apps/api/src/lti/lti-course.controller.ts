import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import type { TAccounts } from '@epoch/accounts';
import type { EpochPrismaClient } from '@epoch/db';
import { LTI_GRADE } from '@epoch/grading';
import { LtiServiceError } from '@epoch/lti';
import { ACCOUNTS, PRISMA } from '../config';
import { ApiError } from '../http/api-error';
import { Caller, type AuthContext } from '../auth/auth-context';
import { syncRoster } from './lti-roster';

/** A course's LMS side for its staff: the links and their grade passback, the rosters and their sync. */
@Controller('api/courses/:slug/lti')
export class LtiCourseController {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(ACCOUNTS) private readonly accounts: TAccounts,
  ) {}

  @Get()
  async status(@Caller() caller: AuthContext, @Param('slug') slug: string) {
    const course = await this.accounts.requireCourseStaff(caller, slug);
    const links = await this.prisma.ltiResourceLink.findMany({
      where: { OR: [{ exercise: { courseId: course.id } }, { context: { courseId: course.id } }] },
      include: { platform: true, exercise: true },
      orderBy: { createdAt: 'asc' },
    });
    const messages = await this.prisma.outboxMessage.findMany({
      where: { kind: LTI_GRADE, status: { in: ['PENDING', 'SENDING', 'FAILED'] } },
      select: { status: true, lastError: true, payload: true },
    });
    const ofLink = (id: string) => messages.filter((m) => (m.payload as { linkId?: string }).linkId === id);
    const contexts = await this.prisma.ltiContext.findMany({ where: { courseId: course.id }, include: { platform: true } });
    return {
      links: links.map((l) => ({
        id: l.id,
        title: l.title,
        platform: l.platform.name,
        exerciseSlug: l.exercise?.slug ?? null,
        lastSyncAt: l.lastGradeSyncAt?.toISOString() ?? null,
        lastError: l.lastGradeError,
        lastErrorAt: l.lastGradeErrorAt?.toISOString() ?? null,
        pending: ofLink(l.id).filter((m) => m.status !== 'FAILED').length,
        failures: ofLink(l.id)
          .filter((m) => m.status === 'FAILED')
          .map((m) => m.lastError ?? 'failed'),
      })),
      contexts: contexts.map((c) => ({
        id: c.id,
        title: c.title,
        platform: c.platform.name,
        rosterService: c.membershipsUrl !== null,
        lastRosterSyncAt: c.lastRosterSyncAt?.toISOString() ?? null,
      })),
    };
  }

  /** Syncs the course's enrolments with the LMS rosters now (NRPS). */
  @Post('roster-sync')
  @HttpCode(200)
  async rosterSync(@Caller() caller: AuthContext, @Param('slug') slug: string): Promise<{ joined: number; left: number; contexts: number }> {
    const course = await this.accounts.requireCourseStaff(caller, slug);
    try {
      return await syncRoster(this.prisma, course.id, caller.userId);
    } catch (e) {
      if (e instanceof LtiServiceError) throw new ApiError(502, 'lms_refused', e.message);
      throw e;
    }
  }
}
