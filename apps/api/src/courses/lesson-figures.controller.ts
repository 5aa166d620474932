import { Controller, Get, Header, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import type { TAccounts } from '@epoch/accounts';
import { ZLessonFigureName, ZLessonFigureQuery, type TLessonFigureName, type TLessonFigureQuery, type TLessonFigureView } from '@epoch/contracts';
import { ACCOUNTS } from '../config';
import { Public } from '../auth/auth-context';
import { ApiError, notFound } from '../http/api-error';
import { ZodPipe } from '../http/zod.pipe';
import { FigureNotFoundError, type TRenderedFigure } from './lesson-figures';
import { LessonFiguresService } from './lesson-figures.service';

/** The lesson's figures drawn from data (see lesson-figures.ts): public, like the lesson itself. */
@Public()
@Controller('api/courses/:slug/data-figures')
export class LessonFiguresController {
  constructor(
    @Inject(ACCOUNTS) private readonly accounts: TAccounts,
    @Inject(LessonFiguresService) private readonly figures: LessonFiguresService,
  ) {}

  private async load(slug: string, name: string, q: TLessonFigureQuery): Promise<TRenderedFigure> {
    const figure = ZLessonFigureName.safeParse(name);
    if (!figure.success) throw notFound(`no data figure "${name}" (known: ${ZLessonFigureName.options.join(', ')})`);
    const which: TLessonFigureName = figure.data;
    if (which === 'training-grid' && q.model) throw notFound('the training grid shows the dataset, not a reference run: leave out ?model');
    await this.accounts.requireCourse(slug);
    try {
      return await this.figures.figure(slug, which, q.model);
    } catch (e) {
      if (e instanceof FigureNotFoundError) throw notFound(e.message);
      throw e;
    }
  }

  /** What the figure shows (title, caption, pictures, chart data), or why it cannot be shown on this server. */
  @Get(':name')
  async figure(
    @Param('slug') slug: string,
    @Param('name') name: string,
    @Query(new ZodPipe(ZLessonFigureQuery, 'query')) q: TLessonFigureQuery,
  ): Promise<TLessonFigureView> {
    return (await this.load(slug, name, q)).view;
  }

  /** One picture of a figure (PNG). */
  @Get(':name/:file')
  @Header('Cache-Control', 'public, max-age=300')
  async image(
    @Param('slug') slug: string,
    @Param('name') name: string,
    @Param('file') file: string,
    @Query(new ZodPipe(ZLessonFigureQuery, 'query')) q: TLessonFigureQuery,
  ): Promise<StreamableFile> {
    const figure = await this.load(slug, name, q);
    if (figure.view.status === 'unavailable') throw new ApiError(404, 'figure_unavailable', figure.view.message);
    const png = figure.files.get(file);
    if (!png) throw notFound(`figure "${name}" has no picture "${file}"`);
    return new StreamableFile(png, { type: 'image/png' });
  }
}
