import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { TClassOverview } from '@epoch/contracts';
import { classOverview, type TGradingDeps } from '@epoch/grading';
import { GRADING_DEPS } from '../config';
import { AccessService } from '../access/access.service';
import { Caller, type AuthContext } from '../auth/auth-context';

/** The instructor's overview of a course across its exercises (course staff). */
@Controller('api/courses/:course')
export class OverviewController {
  constructor(
    @Inject(GRADING_DEPS) private readonly grading: TGradingDeps,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get('overview')
  async overview(@Caller() caller: AuthContext, @Param('course') courseSlug: string): Promise<TClassOverview> {
    const { course } = await this.access.course(caller, courseSlug, 'staff');
    return classOverview(this.grading.prisma, course);
  }
}
