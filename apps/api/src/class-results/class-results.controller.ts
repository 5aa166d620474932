import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { ZRegradeRequest, type TClassResults, type TRegradeRequest, type TRegradeResult } from '@epoch/contracts';
import { classResults, csvRecords, CSV_COLUMNS, regrade, type TGradingDeps } from '@epoch/grading';
import { GRADING_DEPS } from '../config';
import { AccessService } from '../access/access.service';
import { Caller, type AuthContext } from '../auth/auth-context';
import { ZodPipe } from '../http/zod.pipe';

/** Instructors' view of a class: results per student, CSV export, regrading. Course staff only. */
@Controller('api/courses/:course/exercises')
export class ClassResultsController {
  constructor(
    @Inject(GRADING_DEPS) private readonly grading: TGradingDeps,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  private async load(caller: AuthContext, course: string, slug: string): Promise<TClassResults> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    return classResults(this.grading.prisma, exercise);
  }

  /** Per student: best and latest test accuracy, passed, attempts, last submission, late; with a summary. */
  @Get(':slug/results')
  async results(@Caller() caller: AuthContext, @Param('course') course: string, @Param('slug') slug: string): Promise<TClassResults> {
    return this.load(caller, course, slug);
  }

  /** The same as CSV: one row per student, stable columns (see CSV_COLUMNS). */
  @Get(':slug/results.csv')
  async csv(
    @Caller() caller: AuthContext,
    @Param('course') course: string,
    @Param('slug') slug: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const data = await this.load(caller, course, slug);
    res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${slug}-results.csv"`, 'Cache-Control': 'no-store' });
    return stringify(csvRecords(data.rows), { header: true, columns: [...CSV_COLUMNS] });
  }

  /**
   * Regrades chosen submissions of this exercise: `redecide` gives each stored result its verdict and message again
   * under the current policy; `retrain` drops the stored result and queues the submission again.
   */
  @Post(':slug/regrade')
  @HttpCode(200)
  async regrade(
    @Caller() caller: AuthContext,
    @Param('course') course: string,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZRegradeRequest)) body: TRegradeRequest,
  ): Promise<TRegradeResult> {
    const { exercise } = await this.access.exercise(caller, course, slug, 'staff');
    return regrade(this.grading, exercise, caller.userId, body);
  }
}
