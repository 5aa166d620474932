import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { TAccounts } from '@epoch/accounts';
import {
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
import { ACCOUNTS } from '../config';
import { Caller, Roles, type AuthContext } from '../auth/auth-context';
import { ZodPipe } from '../http/zod.pipe';

/** Users and courses: admins only. The work is @epoch/accounts' use cases; their refusals map to HTTP in the error filter. */
@Roles('ADMIN')
@Controller('api/admin')
export class AdminController {
  constructor(@Inject(ACCOUNTS) private readonly accounts: TAccounts) {}

  @Get('users')
  users(@Query(new ZodPipe(ZUserListQuery, 'query')) q: TUserListQuery): Promise<TPage<TUserView>> {
    return this.accounts.listUsers(q);
  }

  /** Creates one user; without a password a random one is generated and returned once. */
  @Post('users')
  createUser(@Caller() caller: AuthContext, @Body(new ZodPipe(ZCreateUserRequest)) body: TCreateUserRequest): Promise<TCreatedUser> {
    return this.accounts.createUser(caller.userId, body);
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
