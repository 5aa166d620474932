import { Controller, Get, Header, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import type { TAccounts } from '@epoch/accounts';
import { courseFigure } from '@epoch/content';
import type { EpochPrismaClient } from '@epoch/db';
import type { TCourseList, TCourseOutline, TLessonStepView } from '@epoch/contracts';
import { ACCOUNTS, PRISMA } from '../config';
import { Public } from '../auth/auth-context';
import { badRequest } from '../http/api-error';

/** The public lesson: course list, outline and steps, figures (exercises, policies and submissions need a session). */
@Public()
@Controller('api/courses')
export class CoursesController {
  constructor(
    @Inject(ACCOUNTS) private readonly accounts: TAccounts,
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
  ) {}

  @Get()
  list(): Promise<TCourseList> {
    return this.accounts.listPublicCourses();
  }

  @Get(':slug')
  outline(@Param('slug') slug: string): Promise<TCourseOutline> {
    return this.accounts.courseOutline(slug);
  }

  /** A step as it is now, or `?version=N`: that version of its text (earlier versions and removed steps stay readable). */
  @Get(':slug/lessons/:lesson/steps/:step')
  step(
    @Param('slug') slug: string,
    @Param('lesson') lessonSlug: string,
    @Param('step') stepSlug: string,
    @Query('version') version: string | undefined,
  ): Promise<TLessonStepView> {
    if (version !== undefined && !/^[1-9]\d{0,8}$/.test(version))
      throw badRequest('invalid query', [{ path: 'version', message: 'a version number (1, 2, …)' }]);
    return this.accounts.lessonStep({ courseSlug: slug, lessonSlug, stepSlug, ...(version ? { version: Number(version) } : {}) });
  }

  /** A course's figure, as its last content sync stored it. */
  @Get(':slug/figures/:file')
  @Header('Cache-Control', 'public, max-age=300')
  async figure(@Param('slug') slug: string, @Param('file') file: string): Promise<StreamableFile> {
    const { bytes, type } = await courseFigure(this.prisma, slug, file);
    return new StreamableFile(bytes, { type });
  }
}
