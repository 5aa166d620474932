import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { EpochPrismaClient } from '@epoch/db';
import {
  ZIdempotencyKey,
  ZSubmissionListQuery,
  ZSubmissionRequest,
  type TCheckResponse,
  type TPage,
  type TSubmissionCreated,
  type TSubmissionDetail,
  type TSubmissionListQuery,
  type TSubmissionRequest,
  type TSubmissionView,
} from '@epoch/contracts';
import { PRISMA } from '../config';
import { AccessService } from '../access/access.service';
import { Caller, type AuthContext } from '../auth/auth-context';
import { ApiError, badRequest, forbidden } from '../http/api-error';
import { ZodPipe } from '../http/zod.pipe';
import { checkResultOf, SubmissionsService, sourceTooLarge } from './submissions.service';
import { submissionView } from './submission-view';
import { resultHidden } from './visibility';

@Controller('api/submissions')
export class SubmissionsController {
  constructor(
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(SubmissionsService) private readonly submissions: SubmissionsService,
  ) {}

  /** Submits a source for grading. `Idempotency-Key` makes retries (double clicks) return the first submission. */
  @Post()
  async create(
    @Caller() caller: AuthContext,
    @Body(new ZodPipe(ZSubmissionRequest)) body: TSubmissionRequest,
    @Headers('idempotency-key') keyHeader: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TSubmissionCreated> {
    const tooLarge = sourceTooLarge(body.source);
    if (tooLarge) throw tooLarge;
    let key: string = randomUUID();
    if (keyHeader !== undefined) {
      const k = ZIdempotencyKey.safeParse(keyHeader);
      if (!k.success) throw badRequest('invalid Idempotency-Key header', [{ path: 'Idempotency-Key', message: k.error.issues[0]?.message ?? 'invalid' }]);
      key = k.data;
    }
    const { exercise, role } = await this.access.exercise(caller, body.exercise);
    let outcome: { created: TSubmissionCreated; replayed: boolean };
    try {
      outcome = await this.submissions.submit(caller, role, exercise, body.source, key);
    } catch (e) {
      // A retry of an accepted request answers with its submission even if a new one would now be refused (the first
      // used the last quota slot, or the deadline passed in between).
      const earlier = keyHeader !== undefined && e instanceof ApiError ? await this.submissions.replay(caller, key, exercise.id, body.source) : null;
      if (!earlier) throw e;
      outcome = { created: { ...submissionView(earlier), check: null }, replayed: true };
    }
    if (outcome.replayed) res.status(200).setHeader('Idempotent-Replayed', 'true');
    else res.status(201);
    return outcome.created;
  }

  /** Checks a source against the exercise's rules; nothing is stored and no quota is used. */
  @Post('check')
  @HttpCode(200)
  async check(@Caller() caller: AuthContext, @Body(new ZodPipe(ZSubmissionRequest)) body: TSubmissionRequest): Promise<TCheckResponse> {
    const tooLarge = sourceTooLarge(body.source);
    if (tooLarge) throw tooLarge;
    const { exercise } = await this.access.exercise(caller, body.exercise);
    if (!exercise.policy) throw new ApiError(409, 'no_policy', `exercise "${exercise.slug}" has no grading policy yet`);
    const report = this.submissions.check(body.source, exercise.policy);
    return { check: checkResultOf(report), diagnostics: report.diagnostics };
  }

  /** The caller's own submissions, newest first (optionally for one exercise). */
  @Get()
  async list(@Caller() caller: AuthContext, @Query(new ZodPipe(ZSubmissionListQuery, 'query')) q: TSubmissionListQuery): Promise<TPage<TSubmissionView>> {
    const where = { userId: caller.userId, ...(q.exercise ? { exercise: { slug: q.exercise } } : {}) };
    const [rows, total] = await Promise.all([
      this.prisma.submission.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (q.page - 1) * q.pageSize,
        take: q.pageSize,
        include: { exercise: { select: { slug: true, policy: { select: { resultVisibility: true, deadline: true } } } } },
      }),
      this.prisma.submission.count({ where }),
    ]);
    const now = new Date();
    return { items: rows.map((s) => submissionView(s, resultHidden(s.exercise.policy, 'OWNER', now))), page: q.page, pageSize: q.pageSize, total };
  }

  /** One submission with its source: the owner's, or any in a course the caller teaches. */
  @Get(':id')
  async get(@Caller() caller: AuthContext, @Param('id') id: string): Promise<TSubmissionDetail> {
    const { submission, role } = await this.access.submission(caller, id);
    const hidden = resultHidden(submission.exercise.policy, role === 'OWNER' ? 'OWNER' : 'STAFF');
    return { ...submissionView(submission, hidden), source: submission.source };
  }

  /** Cancels the caller's own submission while it waits in the queue. */
  @Post(':id/cancel')
  @HttpCode(200)
  async cancel(@Caller() caller: AuthContext, @Param('id') id: string): Promise<TSubmissionView> {
    const { submission, role } = await this.access.submission(caller, id);
    if (role !== 'OWNER') throw forbidden('only the submitter may cancel a submission');
    if (!(await this.submissions.cancel(id)))
      throw new ApiError(409, 'not_cancellable', `the submission is ${submission.status}; only a queued submission can be cancelled`);
    const s = await this.prisma.submission.findUniqueOrThrow({ where: { id }, include: { exercise: { select: { slug: true } } } });
    return submissionView(s);
  }
}
