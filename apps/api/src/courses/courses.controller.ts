import { Controller, Get, Header, Inject, Param, StreamableFile } from '@nestjs/common';
import type { TAccounts } from '@epoch/accounts';
import type { TCourseList, TCourseOutline, TLessonStepView } from '@epoch/contracts';
import { ACCOUNTS, API_CONFIG, type TApiConfig } from '../config';
import { Public } from '../auth/auth-context';

/** The public lesson: course list, outline and steps, figures (exercises, policies and submissions need a session). */
@Public()
@Controller('api/courses')
export class CoursesController {
  constructor(
    @Inject(ACCOUNTS) private readonly accounts: TAccounts,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
  ) {}

  @Get()
  list(): Promise<TCourseList> {
    return this.accounts.listPublicCourses();
  }

  @Get(':slug')
  outline(@Param('slug') slug: string): Promise<TCourseOutline> {
    return this.accounts.courseOutline(slug);
  }

  @Get(':slug/lessons/:lesson/steps/:step')
  step(@Param('slug') slug: string, @Param('lesson') lessonSlug: string, @Param('step') stepSlug: string): Promise<TLessonStepView> {
    return this.accounts.lessonStep({ courseSlug: slug, lessonSlug, stepSlug });
  }

  /** A course's figure (lesson illustrations live with the content files, not in the database). */
  @Get(':slug/figures/:file')
  @Header('Cache-Control', 'public, max-age=3600')
  async figure(@Param('slug') slug: string, @Param('file') file: string): Promise<StreamableFile> {
    const { bytes, type } = await this.accounts.courseFigure(this.config.EPOCH_CONTENT_DIR, slug, file);
    return new StreamableFile(bytes, { type });
  }
}
