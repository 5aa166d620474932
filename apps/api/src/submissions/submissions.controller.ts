import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  DomainError,
  ZIdempotencyKey,
  ZSubmissionListQuery,
  ZSubmissionRequest,
  type TCheckResponse,
  type TPage,
  type TSubmissionCreated,
  type TSubmissionDetail,
  type TSubmissionListQuery,
  type TSubmissionRequest,
  type TSubmissionSummary,
  type TSubmissionView,
} from '@epoch/contracts';
import {
  assertSourceSize,
  cancelSubmission,
  checkResultOf,
  checkSubmission,
  findSubmission,
  pageOfSubmissions,
  replaySubmission,
  resultHidden,
  submit,
  type TGradingDeps,
} from '@epoch/grading';
import { GRADING_DEPS } from '../config';
import { AccessService } from '../access/access.service';
import { Caller, type AuthContext } from '../auth/auth-context';
import { badRequest, forbidden } from '../http/api-error';
import { ZodPipe } from '../http/zod.pipe';
import { submissionSummary, submissionView } from './submission-view';

/** Submissions: submit, check, list, read and cancel. The work is @epoch/grading's use cases. */
@Controller('api/submissions')
export class SubmissionsController {
  constructor(
    @Inject(GRADING_DEPS) private readonly grading: TGradingDeps,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  /** Submits a source for grading. `Idempotency-Key` makes retries (double clicks) return the first submission. */
  @Post()
  async create(
    @Caller() caller: AuthContext,
    @Body(new ZodPipe(ZSubmissionRequest)) body: TSubmissionRequest,
    @Headers('idempotency-key') keyHeader: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TSubmissionCreated> {
    assertSourceSize(body.source);
    let key: string = randomUUID();
    if (keyHeader !== undefined) {
      const k = ZIdempotencyKey.safeParse(keyHeader);
      if (!k.success) throw badRequest('invalid Idempotency-Key header', [{ path: 'Idempotency-Key', message: k.error.issues[0]?.message ?? 'invalid' }]);
      key = k.data;
    }
    const { exercise, role, exception } = await this.access.exercise(caller, body.course, body.exercise, 'member', { withException: true });
    let created: TSubmissionCreated;
    let replayed: boolean;
    try {
      const r = await submit(this.grading, { userId: caller.userId, role, exercise, exception, source: body.source, idempotencyKey: key, kind: body.kind });
      created = { ...submissionView(r.submission), check: r.report ? checkResultOf(r.report) : null };
      replayed = r.replayed;
    } catch (e) {
      // A retry of an accepted request answers with its submission even if a new one would now be refused (the first
      // used the last quota slot, or the deadline passed in between).
      const earlier =
        keyHeader !== undefined && e instanceof DomainError ? await replaySubmission(this.grading, caller.userId, key, exercise.id, body.source) : null;
      if (!earlier) throw e;
      created = { ...submissionView(earlier), check: null };
      replayed = true;
    }
    if (replayed) res.status(200).setHeader('Idempotent-Replayed', 'true');
    else res.status(201);
    return created;
  }

  /** Checks a source against the exercise's rules; nothing is stored and no quota is used. */
  @Post('check')
  @HttpCode(200)
  async check(@Caller() caller: AuthContext, @Body(new ZodPipe(ZSubmissionRequest)) body: TSubmissionRequest): Promise<TCheckResponse> {
    assertSourceSize(body.source);
    const { exercise } = await this.access.exercise(caller, body.course, body.exercise);
    const report = checkSubmission(exercise, body.source);
    return { check: checkResultOf(report), diagnostics: report.diagnostics };
  }

  /**
   * The caller's own submissions, newest first (optionally of one course, or one exercise of a course): summaries,
   * without diagnostics or source.
   */
  @Get()
  async list(@Caller() caller: AuthContext, @Query(new ZodPipe(ZSubmissionListQuery, 'query')) q: TSubmissionListQuery): Promise<TPage<TSubmissionSummary>> {
    if (q.exercise !== undefined && q.course === undefined) throw badRequest('invalid query', [{ path: 'course', message: 'an exercise needs its course' }]);
    const { rows, total } = await pageOfSubmissions(this.grading.prisma, caller.userId, {
      ...(q.course ? { courseSlug: q.course } : {}),
      ...(q.exercise ? { exerciseSlug: q.exercise } : {}),
      page: q.page,
      pageSize: q.pageSize,
    });
    const now = new Date();
    return { items: rows.map((s) => submissionSummary(s, resultHidden(s.exercise.policy, 'OWNER', now))), page: q.page, pageSize: q.pageSize, total };
  }

  /** One submission with its source: the owner's, or any in a course the caller teaches. */
  @Get(':id')
  async get(@Caller() caller: AuthContext, @Param('id') id: string): Promise<TSubmissionDetail> {
    const { submission, role } = await this.access.submission(caller, id);
    const hidden = resultHidden(submission.exercise.policy, role === 'OWNER' ? 'OWNER' : 'STAFF');
    const owner = await this.grading.prisma.user.findUniqueOrThrow({ where: { id: submission.userId }, select: { name: true, email: true } });
    return { ...submissionView(submission, hidden), source: submission.source, owner };
  }

  /** Cancels the caller's own submission while it waits in the queue or trains (its grader stops within a batch). */
  @Post(':id/cancel')
  @HttpCode(200)
  async cancel(@Caller() caller: AuthContext, @Param('id') id: string): Promise<TSubmissionView> {
    const { submission, role } = await this.access.submission(caller, id);
    if (role !== 'OWNER') throw forbidden('only the submitter may cancel a submission');
    await cancelSubmission(this.grading, submission);
    const s = await findSubmission(this.grading.prisma, id);
    return submissionView({ ...submission, ...s });
  }
}
