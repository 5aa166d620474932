import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { TStudentAttempts } from '@epoch/contracts';
import { studentAttempts, type TGradingDeps } from '@epoch/grading';
import { GRADING_DEPS } from '../config';
import { AccessService } from '../access/access.service';
import { Caller, type AuthContext } from '../auth/auth-context';
import { ApiError } from '../http/api-error';

/** Every attempt of one student at an exercise: the student themselves, or the course's staff for any student. */
@Controller('api/courses/:course/exercises')
export class AttemptsController {
  constructor(
    @Inject(GRADING_DEPS) private readonly grading: TGradingDeps,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get(':slug/attempts/:userId')
  async attempts(
    @Caller() caller: AuthContext,
    @Param('course') course: string,
    @Param('slug') slug: string,
    @Param('userId') userId: string,
  ): Promise<TStudentAttempts> {
    const { exercise, role } = await this.access.exercise(caller, course, slug, 'member');
    const own = userId === caller.userId;
    if (!own && role === 'STUDENT') throw new ApiError(404, 'not_found', `no attempts of "${userId}" among yours`);
    return studentAttempts(this.grading.prisma, exercise, userId, own && role === 'STUDENT' ? 'OWNER' : 'STAFF');
  }
}
