import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import type { EpochPrismaClient } from '@epoch/db';
import { ZRegradeRequest, type TClassResults, type TRegradeRequest, type TRegradeResult } from '@epoch/contracts';
import { PRISMA } from '../config';
import { AccessService } from '../access/access.service';
import { Caller, type AuthContext } from '../auth/auth-context';
import { ApiError } from '../http/api-error';
import { ZodPipe } from '../http/zod.pipe';
import { SubmissionsService } from '../submissions/submissions.service';
import { classRows, classSummary, csvRecords, CSV_COLUMNS } from './class-summary';

/** Instructors' view of a class: results per student, CSV export, regrading. Course staff only. */
@Controller('api/exercises')
export class ClassResultsController {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(SubmissionsService) private readonly submissions: SubmissionsService,
  ) {}

  private async load(caller: AuthContext, slug: string): Promise<TClassResults> {
    const { exercise } = await this.access.exercise(caller, slug, 'staff');
    const [enrolled, subs] = await Promise.all([
      this.prisma.enrollment.findMany({
        where: { courseId: exercise.courseId, role: 'STUDENT' },
        include: { user: { select: { id: true, email: true, name: true } } },
        orderBy: { user: { email: 'asc' } },
      }),
      this.prisma.submission.findMany({
        where: { exerciseId: exercise.id },
        select: { id: true, userId: true, status: true, late: true, createdAt: true, result: { select: { testAccuracy: true } } },
      }),
    ]);
    const rows = classRows(
      enrolled.map((e) => e.user),
      subs.map((s) => ({ ...s, testAccuracy: s.result?.testAccuracy ?? null })),
    );
    return { exercise: slug, minTestAccuracy: exercise.policy?.minTestAccuracy ?? 0, summary: classSummary(rows), rows };
  }

  /** Per student: best and latest test accuracy, passed, attempts, last submission, late; with a summary. */
  @Get(':slug/results')
  async results(@Caller() caller: AuthContext, @Param('slug') slug: string): Promise<TClassResults> {
    return this.load(caller, slug);
  }

  /** The same as CSV: one row per student, stable columns (see CSV_COLUMNS). */
  @Get(':slug/results.csv')
  async csv(@Caller() caller: AuthContext, @Param('slug') slug: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const data = await this.load(caller, slug);
    res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${slug}-results.csv"`, 'Cache-Control': 'no-store' });
    return stringify(csvRecords(data.rows), { header: true, columns: [...CSV_COLUMNS] });
  }

  /**
   * Regrades chosen submissions of this exercise: `redecide` sets PASSED/FAILED again from the stored test accuracy
   * and the current threshold; `retrain` drops the stored result and queues the submission again.
   */
  @Post(':slug/regrade')
  @HttpCode(200)
  async regrade(
    @Caller() caller: AuthContext,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZRegradeRequest)) body: TRegradeRequest,
  ): Promise<TRegradeResult> {
    const { exercise } = await this.access.exercise(caller, slug, 'staff');
    const policy = exercise.policy;
    if (!policy) throw new ApiError(409, 'no_policy', `exercise "${slug}" has no grading policy yet`);
    const ids = [...new Set(body.submissionIds)];
    const found = await this.prisma.submission.findMany({
      where: { id: { in: ids }, exerciseId: exercise.id },
      include: { result: { select: { testAccuracy: true } } },
    });
    const byId = new Map(found.map((s) => [s.id, s]));
    const skipped: TRegradeResult['skipped'] = [];
    const changed: string[] = [];
    const toQueue: string[] = [];
    await this.prisma.$transaction(async (tx) => {
      for (const id of ids) {
        const s = byId.get(id);
        if (!s) {
          skipped.push({ id, reason: 'not a submission of this exercise' });
          continue;
        }
        if (body.mode === 'redecide') {
          if (!s.result || (s.status !== 'PASSED' && s.status !== 'FAILED')) {
            skipped.push({ id, reason: `no stored result to re-decide (status ${s.status})` });
            continue;
          }
          const status = s.result.testAccuracy >= policy.minTestAccuracy ? 'PASSED' : 'FAILED';
          if (status === s.status) {
            skipped.push({ id, reason: `already ${status}` });
            continue;
          }
          await tx.submission.update({ where: { id }, data: { status } });
          changed.push(id);
        } else {
          if (!s.modelSpec || !['PASSED', 'FAILED', 'ERROR'].includes(s.status)) {
            skipped.push({ id, reason: `cannot retrain a ${s.status} submission` });
            continue;
          }
          await tx.result.deleteMany({ where: { submissionId: id } });
          await tx.artifact.deleteMany({ where: { submissionId: id } });
          await tx.submission.update({
            where: { id },
            data: {
              status: 'QUEUED',
              queuedAt: new Date(),
              startedAt: null,
              finishedAt: null,
              errorMessage: null,
              infraError: false,
              policyVersion: policy.version,
              reusedFromId: null,
            },
          });
          changed.push(id);
          toQueue.push(id);
        }
      }
      await tx.auditLog.create({
        data: {
          actorId: caller.userId,
          action: `submission.regrade.${body.mode}`,
          entityType: 'Exercise',
          entityId: exercise.id,
          data: { changed, skipped, policyVersion: policy.version },
        },
      });
    });
    for (const id of toQueue) await this.submissions.requeue(id);
    return { mode: body.mode, changed, skipped };
  }
}
