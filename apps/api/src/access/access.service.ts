import { Inject, Injectable } from '@nestjs/common';
import type { EpochPrismaClient, Prisma, StudentException } from '@epoch/db';
import { PRISMA } from '../config';
import type { AuthContext } from '../auth/auth-context';
import { forbidden, notFound } from '../http/api-error';

export type TCourseRole = 'ADMIN' | 'INSTRUCTOR' | 'STUDENT';

/** The caller's enrollment in a course, loaded in the same query as the resource (one round trip per check). */
const membership = (caller: AuthContext) =>
  ({ enrollments: { where: { userId: caller.userId }, select: { role: true }, take: 1 } }) satisfies Prisma.CourseInclude;

function roleOf(caller: AuthContext, enrollments: { role: TCourseRole }[]): TCourseRole | null {
  return caller.role === 'ADMIN' ? 'ADMIN' : (enrollments[0]?.role ?? null);
}

/**
 * The one place that decides who may see what. Resources outside the caller's courses answer 404 (not 403), so
 * guessed ids and slugs reveal nothing; a member asking for staff-only data about their own course gets 403.
 */
@Injectable()
export class AccessService {
  constructor(@Inject(PRISMA) private readonly prisma: EpochPrismaClient) {}

  /**
   * The exercise `slug` of course `courseSlug` with its course and policy, if the caller is a member of the course
   * (staff: `need = 'staff'`). Exercise slugs are unique per course, so both are needed. With `withException`, also
   * the caller's own schedule exception of it (null when none), in the same query (a submission needs it).
   */
  async exercise(caller: AuthContext, courseSlug: string, slug: string, need: 'member' | 'staff' = 'member', opts: { withException?: boolean } = {}) {
    const found = await this.prisma.exercise.findFirst({
      where: { slug, course: { slug: courseSlug } },
      include: {
        course: { include: membership(caller) },
        policy: true,
        ...(opts.withException ? { studentExceptions: { where: { userId: caller.userId }, take: 1 } } : {}),
      },
    });
    const role = found ? roleOf(caller, found.course.enrollments) : null;
    if (!found || !role) throw notFound(`no exercise "${slug}" in course "${courseSlug}" among your courses`);
    if (need === 'staff' && role === 'STUDENT') throw forbidden("only the course's instructors and admins may do this");
    const { enrollments: _mine, ...course } = found.course;
    const { studentExceptions, ...exercise } = found as typeof found & { studentExceptions?: StudentException[] };
    return { exercise: { ...exercise, course }, role, exception: studentExceptions ? (studentExceptions[0] ?? null) : undefined };
  }

  /** The course `slug` if the caller is a member (staff: `need = 'staff'`), with the caller's role in it. */
  async course(caller: AuthContext, slug: string, need: 'member' | 'staff' = 'member') {
    const found = await this.prisma.course.findUnique({ where: { slug }, include: membership(caller) });
    const role = found ? roleOf(caller, found.enrollments) : null;
    if (!found || !role) throw notFound(`no course "${slug}" among your courses`);
    if (need === 'staff' && role === 'STUDENT') throw forbidden("only the course's instructors and admins may do this");
    const { enrollments: _mine, ...course } = found;
    return { course, role };
  }

  /**
   * What a submission query must include for `decide` (its exercise's id, slug, course and policy, and the caller's
   * enrollment in that course): callers that need more of the submission add to it and still make one query.
   */
  submissionInclude(caller: AuthContext) {
    return {
      exercise: { select: { id: true, slug: true, courseId: true, policy: true, course: { select: { slug: true, ...membership(caller) } } } },
    } satisfies Prisma.SubmissionInclude;
  }

  /** The caller's relation to a loaded submission: their own, or one in a course they teach (admins: all); else 404. */
  decide<S extends { userId: string; exercise: { course: { enrollments: { role: TCourseRole }[] } } }>(
    caller: AuthContext,
    s: S | null,
    id: string,
  ): { submission: S; role: 'OWNER' | 'ADMIN' | 'INSTRUCTOR' } {
    if (!s) throw notFound(`no submission "${id}"`);
    if (s.userId === caller.userId) return { submission: s, role: 'OWNER' };
    const role = roleOf(caller, s.exercise.course.enrollments);
    if (role === 'ADMIN' || role === 'INSTRUCTOR') return { submission: s, role };
    throw notFound(`no submission "${id}"`);
  }

  /** A submission the caller may see: their own, or any in a course they teach (admins: all). */
  async submission(caller: AuthContext, id: string) {
    // Only the exercise fields the callers use: its texts (instructions, code) are large and not needed here.
    return this.decide(caller, await this.prisma.submission.findUnique({ where: { id }, include: this.submissionInclude(caller) }), id);
  }
}
