import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import type { TAccounts, TMailer } from '@epoch/accounts';
import {
  ZAuditQuery,
  ZUpdateUserRequest,
  type TAuditEntry,
  type TAuditQuery,
  type TPasswordResetLink,
  type TUpdateUserRequest,
  type TUserDetail,
  ZAssignInstructorRequest,
  ZCreateCourseRequest,
  ZCreateUserRequest,
  ZEnrollStudentRequest,
  ZRosterImportRequest,
  ZUserListQuery,
  type TAssignInstructorRequest,
  type TCourseAdminDetail,
  type TCourseAdminList,
  type TCourseAdminView,
  type TCreateCourseRequest,
  type TCreatedUser,
  type TCreateUserRequest,
  type TEnrollmentView,
  type TEnrollStudentRequest,
  type TPage,
  type TRosterImportRequest,
  type TRosterImportResult,
  type TUserListQuery,
  type TUserView,
} from '@epoch/contracts';
import { ACCOUNTS, API_CONFIG, MAILER, type TApiConfig } from '../config';
import { Caller, Roles, type AuthContext } from '../auth/auth-context';
import { SessionService } from '../auth/session.service';
import { ZodPipe } from '../http/zod.pipe';

/** Users and courses: admins only. The work is @epoch/accounts' use cases; their refusals map to HTTP in the error filter. */
@Roles('ADMIN')
@Controller('api/admin')
export class AdminController {
  constructor(
    @Inject(ACCOUNTS) private readonly accounts: TAccounts,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(MAILER) private readonly mailer: TMailer | null,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {}

  @Get('users')
  users(@Query(new ZodPipe(ZUserListQuery, 'query')) q: TUserListQuery): Promise<TPage<TUserView>> {
    return this.accounts.listUsers(q);
  }

  /** Creates one user; without a password a random one is generated and returned once. */
  @Post('users')
  createUser(@Caller() caller: AuthContext, @Body(new ZodPipe(ZCreateUserRequest)) body: TCreateUserRequest): Promise<TCreatedUser> {
    return this.accounts.createUser(caller.userId, body);
  }

  /** One account with its courses, live sessions and submission count. */
  @Get('users/:id')
  user(@Param('id') id: string): Promise<TUserDetail> {
    return this.accounts.userDetail(id);
  }

  /** Name, e-mail, role (the last active admin keeps the role); every change audited. */
  @Patch('users/:id')
  async updateUser(
    @Caller() caller: AuthContext,
    @Param('id') id: string,
    @Body(new ZodPipe(ZUpdateUserRequest)) body: TUpdateUserRequest,
  ): Promise<TUserView> {
    const user = await this.accounts.updateUser(caller.userId, id, body);
    this.sessions.forget({ userId: id });
    return user;
  }

  /** The account can no longer sign in; its sessions end at once (this process forgets them too); submissions kept. */
  @Post('users/:id/deactivate')
  @HttpCode(200)
  async deactivate(@Caller() caller: AuthContext, @Param('id') id: string): Promise<{ user: TUserView; sessionsEnded: number }> {
    const r = await this.accounts.setUserActive(caller.userId, id, false);
    this.sessions.forget({ userId: id });
    return r;
  }

  @Post('users/:id/reactivate')
  @HttpCode(200)
  reactivate(@Caller() caller: AuthContext, @Param('id') id: string): Promise<{ user: TUserView; sessionsEnded: number }> {
    return this.accounts.setUserActive(caller.userId, id, true);
  }

  /** A one-time link to set a new password, shown once (and e-mailed to the user when SMTP is configured). */
  @Post('users/:id/password-reset')
  @HttpCode(200)
  passwordReset(@Caller() caller: AuthContext, @Param('id') id: string): Promise<TPasswordResetLink> {
    return this.accounts.issuePasswordReset(caller.userId, id, {
      ttlMinutes: this.config.EPOCH_RESET_LINK_MINUTES,
      publicUrl: this.config.EPOCH_PUBLIC_URL,
      mailer: this.mailer,
    });
  }

  /** The audit log, newest first: `?action=` (or a prefix ending in a dot), `actor=` (e-mail, id or `system`), `entityType=`, `entityId=`, `from=`, `to=`. */
  @Get('audit')
  audit(@Query(new ZodPipe(ZAuditQuery, 'query')) q: TAuditQuery): Promise<TPage<TAuditEntry> & { actions: string[] }> {
    return this.accounts.listAudit(q);
  }

  /** CSV roster import: all rows or none; every problem is reported with its line and column. */
  @Post('users/import')
  importRoster(@Caller() caller: AuthContext, @Body(new ZodPipe(ZRosterImportRequest)) body: TRosterImportRequest): Promise<TRosterImportResult> {
    return this.accounts.importRoster(caller.userId, body.csv);
  }

  /** Every course with its enrollment code and how many students, instructors and exercises it has. */
  @Get('courses')
  courses(): Promise<TCourseAdminList> {
    return this.accounts.listCourses();
  }

  /** One course with everyone enrolled: instructors first, then students, each by email. */
  @Get('courses/:slug')
  course(@Param('slug') slug: string): Promise<TCourseAdminDetail> {
    return this.accounts.courseDetail(slug);
  }

  @Post('courses')
  createCourse(@Caller() caller: AuthContext, @Body(new ZodPipe(ZCreateCourseRequest)) body: TCreateCourseRequest): Promise<TCourseAdminView> {
    return this.accounts.createCourse(caller.userId, body);
  }

  /** Makes a user (role INSTRUCTOR) an instructor of the course; repeating it is harmless. */
  @Post('courses/:slug/instructors')
  @HttpCode(200)
  assignInstructor(
    @Caller() caller: AuthContext,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZAssignInstructorRequest)) body: TAssignInstructorRequest,
  ): Promise<{ courseSlug: string; userId: string; role: 'INSTRUCTOR' }> {
    return this.accounts.assignInstructor(caller.userId, { courseSlug: slug, userId: body.userId });
  }

  /** Enrolls an existing student account in the course; repeating it is harmless. Instructors are assigned above. */
  @Post('courses/:slug/students')
  @HttpCode(200)
  enrollStudent(
    @Caller() caller: AuthContext,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZEnrollStudentRequest)) body: TEnrollStudentRequest,
  ): Promise<TEnrollmentView> {
    return this.accounts.enrollStudent(caller.userId, { courseSlug: slug, userId: body.userId });
  }
}
