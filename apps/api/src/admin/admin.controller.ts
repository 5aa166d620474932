import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { hashPassword, Prisma, type Course, type Enrollment, type EpochPrismaClient, type User } from '@epoch/db';
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
import { PRISMA } from '../config';
import { Caller, Roles, type AuthContext } from '../auth/auth-context';
import { badRequest, conflict, notFound } from '../http/api-error';
import { ZodPipe } from '../http/zod.pipe';
import { parseRoster } from './roster';

const newPassword = () => randomBytes(12).toString('base64url');
const userView = (u: User): TUserView => ({ id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt.toISOString() });
const newEnrollmentCode = () => randomBytes(6).toString('hex').toUpperCase();
const courseView = (c: Course): TCourseAdminView => ({ id: c.id, slug: c.slug, title: c.title, description: c.description, enrollmentCode: c.enrollmentCode });
const enrollmentView = (e: Enrollment & { user: User }): TEnrollmentView => ({
  userId: e.userId,
  email: e.user.email,
  name: e.user.name,
  userRole: e.user.role,
  courseRole: e.role,
  enrolledAt: e.createdAt.toISOString(),
});
const isUniqueViolation = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** Users and courses: admins only. */
@Roles('ADMIN')
@Controller('api/admin')
export class AdminController {
  constructor(@Inject(PRISMA) private readonly prisma: EpochPrismaClient) {}

  @Get('users')
  async users(@Query(new ZodPipe(ZUserListQuery, 'query')) q: TUserListQuery): Promise<TPage<TUserView>> {
    const where = q.role ? { role: q.role } : {};
    const [rows, total] = await Promise.all([
      this.prisma.user.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
      this.prisma.user.count({ where }),
    ]);
    return { items: rows.map(userView), page: q.page, pageSize: q.pageSize, total };
  }

  /** Creates one user; without a password a random one is generated and returned once. */
  @Post('users')
  async createUser(@Caller() caller: AuthContext, @Body(new ZodPipe(ZCreateUserRequest)) body: TCreateUserRequest): Promise<TCreatedUser> {
    const initialPassword = body.password ? undefined : newPassword();
    const passwordHash = await hashPassword(body.password ?? initialPassword ?? '');
    try {
      const user = await this.prisma.$transaction(async (tx) => {
        const u = await tx.user.create({ data: { email: body.email.toLowerCase(), name: body.name, role: body.role, passwordHash } });
        await tx.auditLog.create({
          data: { actorId: caller.userId, action: 'user.create', entityType: 'User', entityId: u.id, data: { email: u.email, role: u.role } },
        });
        return u;
      });
      return { ...userView(user), ...(initialPassword ? { initialPassword } : {}) };
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('email_taken', `a user with email ${body.email.toLowerCase()} already exists`);
      throw e;
    }
  }

  /** CSV roster import: all rows or none; every problem is reported with its line and column. */
  @Post('users/import')
  async importRoster(@Caller() caller: AuthContext, @Body(new ZodPipe(ZRosterImportRequest)) body: TRosterImportRequest): Promise<TRosterImportResult> {
    const { rows, issues } = parseRoster(body.csv);
    if (issues.length) throw badRequest('the roster has errors; nothing was imported', issues, 'invalid_roster');
    const slugs = [...new Set(rows.flatMap((r) => (r.course ? [r.course] : [])))];
    const courses = new Map((await this.prisma.course.findMany({ where: { slug: { in: slugs } } })).map((c) => [c.slug, c]));
    const existing = new Set(
      (await this.prisma.user.findMany({ where: { email: { in: rows.map((r) => r.email) } }, select: { email: true } })).map((u) => u.email),
    );
    const problems = rows.flatMap((r) => [
      ...(r.course && !courses.has(r.course) ? [{ path: `line ${r.line}: course`, message: `no course "${r.course}"` }] : []),
      ...(existing.has(r.email) ? [{ path: `line ${r.line}: email`, message: `a user with email ${r.email} already exists` }] : []),
      ...(r.course && r.role === 'ADMIN' ? [{ path: `line ${r.line}: course`, message: 'admins are not enrolled in courses' }] : []),
    ]);
    if (problems.length) throw badRequest('the roster has errors; nothing was imported', problems, 'invalid_roster');
    // Hash outside the transaction (argon2 is deliberately slow), one at a time so a big roster cannot starve the API.
    const prepared: { row: (typeof rows)[number]; hash: string; initialPassword?: string }[] = [];
    for (const row of rows) {
      const initialPassword = row.password ? undefined : newPassword();
      prepared.push({ row, hash: await hashPassword(row.password ?? initialPassword ?? ''), ...(initialPassword ? { initialPassword } : {}) });
    }
    try {
      const created = await this.prisma.$transaction(
        async (tx) => {
          const out: TRosterImportResult['created'] = [];
          for (const p of prepared) {
            const u = await tx.user.create({ data: { email: p.row.email, name: p.row.name, role: p.row.role, passwordHash: p.hash } });
            const course = p.row.course ? courses.get(p.row.course) : undefined;
            if (course)
              await tx.enrollment.create({ data: { userId: u.id, courseId: course.id, role: p.row.role === 'INSTRUCTOR' ? 'INSTRUCTOR' : 'STUDENT' } });
            out.push({ ...userView(u), course: course?.slug ?? null, ...(p.initialPassword ? { initialPassword: p.initialPassword } : {}) });
          }
          await tx.auditLog.create({
            data: {
              actorId: caller.userId,
              action: 'user.import',
              entityType: 'User',
              entityId: caller.userId,
              data: { count: out.length, emails: out.map((u) => u.email) },
            },
          });
          return out;
        },
        { timeout: 60_000 },
      );
      return { created };
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('email_taken', 'a user in the roster was created meanwhile; nothing was imported');
      throw e;
    }
  }

  /** Every course with its enrollment code and how many students, instructors and exercises it has. */
  @Get('courses')
  async courses(): Promise<TCourseAdminList> {
    const [courses, counts] = await Promise.all([
      this.prisma.course.findMany({ orderBy: [{ title: 'asc' }, { slug: 'asc' }], include: { _count: { select: { exercises: true } } } }),
      this.prisma.enrollment.groupBy({ by: ['courseId', 'role'], _count: { _all: true } }),
    ]);
    const count = (courseId: string, role: 'STUDENT' | 'INSTRUCTOR') => counts.find((c) => c.courseId === courseId && c.role === role)?._count._all ?? 0;
    return {
      items: courses.map((c) => ({
        ...courseView(c),
        createdAt: c.createdAt.toISOString(),
        students: count(c.id, 'STUDENT'),
        instructors: count(c.id, 'INSTRUCTOR'),
        exercises: c._count.exercises,
      })),
    };
  }

  /** One course with everyone enrolled: instructors first, then students, each by email. */
  @Get('courses/:slug')
  async course(@Param('slug') slug: string): Promise<TCourseAdminDetail> {
    const course = await this.prisma.course.findUnique({
      where: { slug },
      include: { _count: { select: { exercises: true } }, enrollments: { include: { user: true }, orderBy: [{ role: 'desc' }, { user: { email: 'asc' } }] } },
    });
    if (!course) throw notFound(`no course "${slug}"`);
    const enrollments = course.enrollments.map(enrollmentView);
    return {
      ...courseView(course),
      createdAt: course.createdAt.toISOString(),
      exercises: course._count.exercises,
      enrollments,
      students: enrollments.filter((e) => e.courseRole === 'STUDENT').length,
      instructors: enrollments.filter((e) => e.courseRole === 'INSTRUCTOR').length,
    };
  }

  @Post('courses')
  async createCourse(@Caller() caller: AuthContext, @Body(new ZodPipe(ZCreateCourseRequest)) body: TCreateCourseRequest): Promise<TCourseAdminView> {
    try {
      const course = await this.prisma.$transaction(async (tx) => {
        const c = await tx.course.create({
          data: { slug: body.slug, title: body.title, description: body.description, enrollmentCode: body.enrollmentCode ?? newEnrollmentCode() },
        });
        await tx.auditLog.create({ data: { actorId: caller.userId, action: 'course.create', entityType: 'Course', entityId: c.id, data: { slug: c.slug } } });
        return c;
      });
      return courseView(course);
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('course_exists', `a course with this slug or enrollment code already exists`);
      throw e;
    }
  }

  /** Makes a user (role INSTRUCTOR) an instructor of the course; repeating it is harmless. */
  @Post('courses/:slug/instructors')
  @HttpCode(200)
  async assignInstructor(
    @Caller() caller: AuthContext,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZAssignInstructorRequest)) body: TAssignInstructorRequest,
  ): Promise<{ courseSlug: string; userId: string; role: 'INSTRUCTOR' }> {
    const course = await this.prisma.course.findUnique({ where: { slug } });
    if (!course) throw notFound(`no course "${slug}"`);
    const user = await this.prisma.user.findUnique({ where: { id: body.userId } });
    if (!user) throw badRequest(`no user "${body.userId}"`, [{ path: 'userId', message: 'unknown user' }]);
    if (user.role !== 'INSTRUCTOR') throw badRequest(`${user.email} is a ${user.role}, not an INSTRUCTOR`, [{ path: 'userId', message: 'not an instructor' }]);
    await this.prisma.$transaction([
      this.prisma.enrollment.upsert({
        where: { userId_courseId: { userId: user.id, courseId: course.id } },
        create: { userId: user.id, courseId: course.id, role: 'INSTRUCTOR' },
        update: { role: 'INSTRUCTOR' },
      }),
      this.prisma.auditLog.create({
        data: { actorId: caller.userId, action: 'course.assign-instructor', entityType: 'Course', entityId: course.id, data: { userId: user.id } },
      }),
    ]);
    return { courseSlug: course.slug, userId: user.id, role: 'INSTRUCTOR' };
  }

  /** Enrolls an existing student account in the course; repeating it is harmless. Instructors are assigned above. */
  @Post('courses/:slug/students')
  @HttpCode(200)
  async enrollStudent(
    @Caller() caller: AuthContext,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZEnrollStudentRequest)) body: TEnrollStudentRequest,
  ): Promise<TEnrollmentView> {
    const course = await this.prisma.course.findUnique({ where: { slug } });
    if (!course) throw notFound(`no course "${slug}"`);
    const user = await this.prisma.user.findUnique({ where: { id: body.userId } });
    if (!user) throw badRequest(`no user "${body.userId}"`, [{ path: 'userId', message: 'unknown user' }]);
    if (user.role !== 'STUDENT') throw badRequest(`${user.email} is a ${user.role}, not a STUDENT`, [{ path: 'userId', message: 'not a student' }]);
    const [enrollment] = await this.prisma.$transaction([
      this.prisma.enrollment.upsert({
        where: { userId_courseId: { userId: user.id, courseId: course.id } },
        create: { userId: user.id, courseId: course.id, role: 'STUDENT' },
        update: {},
        include: { user: true },
      }),
      this.prisma.auditLog.create({
        data: { actorId: caller.userId, action: 'course.enroll-student', entityType: 'Course', entityId: course.id, data: { userId: user.id } },
      }),
    ]);
    return enrollmentView(enrollment);
  }
}
