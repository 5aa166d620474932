import { Body, Controller, Delete, Get, Inject, Param, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import {
  ZCourseTimeZoneRequest,
  ZGradebookQuery,
  ZScheduleRequest,
  ZStudentExceptionRequest,
  type TCourseTimeZone,
  type TGradebook,
  type TGradebookQuery,
  type TMyGradebook,
  type TMySchedule,
  type TScheduleRequest,
  type TScheduleView,
  type TStudentExceptionList,
  type TStudentExceptionRequest,
  type TStudentExceptionSaved,
} from '@epoch/contracts';
import {
  deleteStudentException,
  gradebook,
  gradebookCsv,
  listExceptions,
  mySchedule,
  scheduleView,
  setCourseTimeZone,
  setStudentException,
  updateSchedule,
  type TGradingDeps,
} from '@epoch/grading';
import { GRADING_DEPS } from '../config';
import { AccessService } from '../access/access.service';
import { Caller, type AuthContext } from '../auth/auth-context';
import { notFound } from '../http/api-error';
import { ZodPipe } from '../http/zod.pipe';

/**
 * What course staff (instructors, admins) run of a class: each exercise's schedule (the admins' policy keeps the
 * thresholds, limits and costs), students' extensions and quota overrides, the course's time zone and the gradebook;
 * and what a student sees of it: their own schedule and gradebook row.
 */
@Controller('api/courses/:course')
export class ScheduleController {
  constructor(
    @Inject(GRADING_DEPS) private readonly grading: TGradingDeps,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get('exercises/:slug/schedule')
  async schedule(@Caller() caller: AuthContext, @Param('course') course: string, @Param('slug') slug: string): Promise<TScheduleView> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    return scheduleView(exercise);
  }

  @Put('exercises/:slug/schedule')
  async updateSchedule(
    @Caller() caller: AuthContext,
    @Param('course') course: string,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZScheduleRequest)) body: TScheduleRequest,
  ): Promise<TScheduleView> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    return updateSchedule(this.grading.prisma, exercise, caller.userId, body);
  }

  @Get('exercises/:slug/schedule/me')
  async mySchedule(@Caller() caller: AuthContext, @Param('course') course: string, @Param('slug') slug: string): Promise<TMySchedule> {
    const { exercise } = await this.access.exercise(caller, course, slug);
    return mySchedule(this.grading.prisma, exercise, caller.userId);
  }

  @Get('exercises/:slug/exceptions')
  async exceptions(@Caller() caller: AuthContext, @Param('course') course: string, @Param('slug') slug: string): Promise<TStudentExceptionList> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    return listExceptions(this.grading.prisma, exercise);
  }

  @Put('exercises/:slug/exceptions/:userId')
  async setException(
    @Caller() caller: AuthContext,
    @Param('course') course: string,
    @Param('slug') slug: string,
    @Param('userId') userId: string,
    @Body(new ZodPipe(ZStudentExceptionRequest)) body: TStudentExceptionRequest,
  ): Promise<TStudentExceptionSaved> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    return setStudentException(this.grading.prisma, exercise, caller.userId, userId, body);
  }

  @Delete('exercises/:slug/exceptions/:userId')
  async deleteException(
    @Caller() caller: AuthContext,
    @Param('course') course: string,
    @Param('slug') slug: string,
    @Param('userId') userId: string,
  ): Promise<{ deleted: boolean }> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    const r = await deleteStudentException(this.grading.prisma, exercise, caller.userId, userId);
    if (!r.deleted) throw notFound(`no exception for user "${userId}" on exercise "${slug}"`);
    return r;
  }

  @Put('time-zone')
  async timeZone(
    @Caller() caller: AuthContext,
    @Param('course') slug: string,
    @Body(new ZodPipe(ZCourseTimeZoneRequest)) body: { timeZone: string },
  ): Promise<TCourseTimeZone> {
    const { course } = await this.access.course(caller, slug, 'staff');
    return setCourseTimeZone(this.grading.prisma, course, caller.userId, body.timeZone);
  }

  /** Students x exercises (course staff): JSON, or CSV with `format=csv`; `q` filters by name/email, `sort`/`order`. */
  @Get('gradebook')
  async gradebook(
    @Caller() caller: AuthContext,
    @Param('course') slug: string,
    @Query(new ZodPipe(ZGradebookQuery, 'query')) q: TGradebookQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TGradebook | string> {
    const { course } = await this.access.course(caller, slug, 'staff');
    const book = await gradebook(this.grading.prisma, course, q);
    if (q.format !== 'csv') return book;
    res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${slug}-gradebook.csv"`, 'Cache-Control': 'no-store' });
    return stringify(gradebookCsv(book));
  }

  /** The caller's own gradebook row (students; staff have none and get 404). */
  @Get('gradebook/me')
  async myRow(@Caller() caller: AuthContext, @Param('course') slug: string): Promise<TMyGradebook> {
    const { course } = await this.access.course(caller, slug);
    const { rows, ...book } = await gradebook(this.grading.prisma, course, { sort: 'email', order: 'asc' }, caller.userId);
    const row = rows[0];
    if (!row) throw notFound(`you are not a student of course "${slug}"`);
    return { ...book, row };
  }
}
