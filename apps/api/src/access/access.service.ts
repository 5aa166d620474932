import { Inject, Injectable } from '@nestjs/common';
import type { EpochPrismaClient } from '@epoch/db';
import { PRISMA } from '../config';
import type { AuthContext } from '../auth/auth-context';
import { forbidden, notFound } from '../http/api-error';

export type TCourseRole = 'ADMIN' | 'INSTRUCTOR' | 'STUDENT';

/**
 * The one place that decides who may see what. Resources outside the caller's courses answer 404 (not 403), so
 * guessed ids and slugs reveal nothing; a member asking for staff-only data about their own course gets 403.
 */
@Injectable()
export class AccessService {
  constructor(@Inject(PRISMA) private readonly prisma: EpochPrismaClient) {}

  async courseRole(caller: AuthContext, courseId: string): Promise<TCourseRole | null> {
    if (caller.role === 'ADMIN') return 'ADMIN';
    const e = await this.prisma.enrollment.findUnique({ where: { userId_courseId: { userId: caller.userId, courseId } }, select: { role: true } });
    return e?.role ?? null;
  }

  /** The exercise with its course and policy, if the caller is a member of its course (staff: `need = 'staff'`). */
  async exercise(caller: AuthContext, slug: string, need: 'member' | 'staff' = 'member') {
    const exercise = await this.prisma.exercise.findUnique({ where: { slug }, include: { course: true, policy: true } });
    const role = exercise ? await this.courseRole(caller, exercise.courseId) : null;
    if (!exercise || !role) throw notFound(`no exercise "${slug}" in your courses`);
    if (need === 'staff' && role === 'STUDENT') throw forbidden('only the course\'s instructors and admins may do this');
    return { exercise, role };
  }

  /** A submission the caller may see: their own, or any in a course they teach (admins: all). */
  async submission(caller: AuthContext, id: string) {
    // Only the exercise fields the callers use: its texts (instructions, code) are large and not needed here.
    const s = await this.prisma.submission.findUnique({ where: { id }, include: { exercise: { select: { id: true, slug: true, courseId: true, policy: true } } } });
    if (!s) throw notFound(`no submission "${id}"`);
    if (s.userId === caller.userId) return { submission: s, role: 'OWNER' as const };
    const role = await this.courseRole(caller, s.exercise.courseId);
    if (role === 'ADMIN' || role === 'INSTRUCTOR') return { submission: s, role };
    throw notFound(`no submission "${id}"`);
  }
}
