import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import type { TAccounts } from '@epoch/accounts';
import { ZEnrollmentSettingsRequest, type TCourseMembers, type TEnrollmentSettings, type TEnrollmentSettingsRequest } from '@epoch/contracts';
import { ACCOUNTS } from '../config';
import { Caller, type AuthContext } from '../auth/auth-context';
import { ZodPipe } from '../http/zod.pipe';

/**
 * Who is in a course and how students join it, for the course's staff (its instructors and admins): the enrollment
 * code (regenerate, turn off), the enrollment window, the members with how and when they joined, removing one.
 * Students leave a course themselves here too. Submissions and results are kept in every case.
 */
@Controller('api/courses/:slug')
export class CourseMembersController {
  constructor(@Inject(ACCOUNTS) private readonly accounts: TAccounts) {}

  @Get('members')
  members(@Caller() caller: AuthContext, @Param('slug') slug: string): Promise<TCourseMembers> {
    return this.accounts.courseMembers(caller, slug);
  }

  @Put('enrollment')
  updateEnrollment(
    @Caller() caller: AuthContext,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZEnrollmentSettingsRequest)) body: TEnrollmentSettingsRequest,
  ): Promise<TEnrollmentSettings> {
    return this.accounts.updateEnrollment(caller, slug, body);
  }

  /** A new random code; the old one stops working at once. */
  @Post('enrollment-code')
  @HttpCode(200)
  regenerate(@Caller() caller: AuthContext, @Param('slug') slug: string): Promise<TEnrollmentSettings> {
    return this.accounts.regenerateEnrollmentCode(caller, slug);
  }

  @Delete('members/:userId')
  @HttpCode(204)
  async remove(@Caller() caller: AuthContext, @Param('slug') slug: string, @Param('userId') userId: string): Promise<void> {
    await this.accounts.removeMember(caller, slug, userId);
  }

  /** The caller leaves the course (students). */
  @Post('leave')
  @HttpCode(204)
  async leave(@Caller() caller: AuthContext, @Param('slug') slug: string): Promise<void> {
    await this.accounts.leaveCourse(caller.userId, slug);
  }
}
