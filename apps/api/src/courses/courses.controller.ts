import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, Get, Header, Inject, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import type { EpochPrismaClient } from '@epoch/db';
import type { TCourseList, TCourseOutline, TLessonStepView } from '@epoch/contracts';
import { API_CONFIG, PRISMA, type TApiConfig } from '../config';
import { Public } from '../auth/auth-context';

/** Figure files a lesson step may reference: `figures/<name>.svg|png`, nothing with a path in it. */
const FIGURE = /^[a-z0-9][a-z0-9-]*\.(svg|png)$/;

/** The public lesson: course list, outline and steps, figures (exercises, policies and submissions need a session). */
@Public()
@Controller('api/courses')
export class CoursesController {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
  ) {}

  @Get()
  async list(): Promise<TCourseList> {
    const courses = await this.prisma.course.findMany({ orderBy: { title: 'asc' }, select: { slug: true, title: true, description: true } });
    return { items: courses };
  }

  @Get(':slug')
  async outline(@Param('slug') slug: string): Promise<TCourseOutline> {
    const course = await this.prisma.course.findUnique({
      where: { slug },
      include: {
        lessons: { orderBy: { position: 'asc' }, include: { steps: { orderBy: { position: 'asc' }, select: { slug: true, title: true, position: true } } } },
        exercises: { orderBy: { position: 'asc' }, select: { slug: true, title: true, position: true } },
      },
    });
    if (!course) throw new NotFoundException({ error: { code: 'not_found', message: `no course "${slug}"` } });
    return {
      slug: course.slug,
      title: course.title,
      description: course.description,
      lessons: course.lessons.map((l) => ({ slug: l.slug, title: l.title, position: l.position, steps: l.steps })),
      exercises: course.exercises,
    };
  }

  @Get(':slug/lessons/:lesson/steps/:step')
  async step(@Param('slug') slug: string, @Param('lesson') lessonSlug: string, @Param('step') stepSlug: string): Promise<TLessonStepView> {
    const lesson = await this.prisma.lesson.findFirst({
      where: { slug: lessonSlug, course: { slug } },
      include: { steps: { orderBy: { position: 'asc' } } },
    });
    const index = lesson?.steps.findIndex((s) => s.slug === stepSlug) ?? -1;
    const step = lesson?.steps[index];
    if (!lesson || !step) throw new NotFoundException({ error: { code: 'not_found', message: `no step "${stepSlug}" in ${slug}/${lessonSlug}` } });
    const ref = (s: { slug: string; title: string; position: number } | undefined) => (s ? { slug: s.slug, title: s.title, position: s.position } : null);
    return {
      courseSlug: slug,
      lessonSlug,
      slug: step.slug,
      title: step.title,
      position: step.position,
      body: step.body,
      prev: ref(lesson.steps[index - 1]),
      next: ref(lesson.steps[index + 1]),
    };
  }

  /** A course's figure (lesson illustrations live with the content files, not in the database). */
  @Get(':slug/figures/:file')
  @Header('Cache-Control', 'public, max-age=3600')
  async figure(@Param('slug') slug: string, @Param('file') file: string): Promise<StreamableFile> {
    const notFound = () => new NotFoundException({ error: { code: 'not_found', message: `no figure "${file}" in course "${slug}"` } });
    if (!FIGURE.test(file) || !/^[a-z0-9-]+$/.test(slug)) throw notFound();
    const exists = await this.prisma.course.count({ where: { slug } });
    if (!exists) throw notFound();
    const bytes = await readFile(join(this.config.EPOCH_CONTENT_DIR, slug, 'figures', file)).catch(() => null);
    if (!bytes) throw notFound();
    return new StreamableFile(bytes, { type: file.endsWith('.svg') ? 'image/svg+xml' : 'image/png' });
  }
}
