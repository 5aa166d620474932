import { readFile } from 'node:fs/promises';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { TAccounts } from '@epoch/accounts';
import { contentStatus, setContentSource, syncContent, type TGitAccess } from '@epoch/content';
import {
  ZArchiveSyncQuery,
  ZContentSourceRequest,
  ZGitSyncRequest,
  InvalidError,
  type TArchiveSyncQuery,
  type TContentSourceRequest,
  type TContentStatus,
  type TContentSyncReport,
  type TGitSyncRequest,
} from '@epoch/contracts';
import type { EpochPrismaClient } from '@epoch/db';
import { ACCOUNTS, API_CONFIG, PRISMA, type TApiConfig } from '../config';
import { Caller, type AuthContext } from '../auth/auth-context';
import { ZodPipe } from '../http/zod.pipe';

/**
 * A course's content from its repository, for the course's staff: upload a .zip/.tar.gz or pull the configured git
 * repository, see the diff (dry run, the default), then apply it. Apply names the revision the preview showed, so a
 * source that changed in between is refused instead of applied unseen.
 */
@Controller('api/courses/:slug/content')
export class CourseContentController {
  private readonly git: TGitAccess;

  constructor(
    @Inject(ACCOUNTS) private readonly accounts: TAccounts,
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(API_CONFIG) private readonly config: TApiConfig,
  ) {
    this.git = {
      allowLocal: config.EPOCH_GIT_ALLOW_LOCAL,
      ...(config.EPOCH_GIT_SSH_KEY ? { sshKeyFile: config.EPOCH_GIT_SSH_KEY } : {}),
      ...(config.EPOCH_GIT_KNOWN_HOSTS ? { knownHostsFile: config.EPOCH_GIT_KNOWN_HOSTS } : {}),
    };
  }

  @Get()
  async status(@Caller() caller: AuthContext, @Param('slug') slug: string): Promise<TContentStatus> {
    const course = await this.accounts.requireCourseStaff(caller, slug);
    const deployKey = this.config.EPOCH_GIT_SSH_KEY ? await readFile(`${this.config.EPOCH_GIT_SSH_KEY}.pub`, 'utf8').catch(() => null) : null;
    return contentStatus(this.prisma, course.id, slug, deployKey?.trim() ?? null);
  }

  /** The git repository (and branch) the course is pulled from; null clears it. */
  @Put('source')
  async setSource(
    @Caller() caller: AuthContext,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZContentSourceRequest)) body: TContentSourceRequest,
  ): Promise<TContentStatus> {
    const course = await this.accounts.requireCourseStaff(caller, slug);
    await setContentSource(this.prisma, caller.userId, course.id, body, this.git);
    return this.status(caller, slug);
  }

  /** The request body is the archive itself (application/zip, application/gzip or application/octet-stream). */
  @Post('archive')
  @HttpCode(200)
  async archive(
    @Caller() caller: AuthContext,
    @Param('slug') slug: string,
    @Query(new ZodPipe(ZArchiveSyncQuery, 'query')) q: TArchiveSyncQuery,
    @Req() req: Request,
  ): Promise<TContentSyncReport> {
    await this.accounts.requireCourseStaff(caller, slug);
    const body: unknown = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new InvalidError('send the archive itself as the request body (Content-Type application/zip or application/gzip)', [
        { path: 'body', message: 'empty or not an archive upload' },
      ]);
    }
    const [report] = await syncContent(
      this.prisma,
      { kind: 'ARCHIVE', name: q.filename ?? 'upload', bytes: body },
      {
        actorId: caller.userId,
        via: 'web',
        courseSlug: slug,
        dryRun: q.dryRun,
        overwriteEditedPolicies: q.overwriteEditedPolicies,
        ...(q.expectRevision ? { expectRevision: q.expectRevision } : {}),
        allowCreate: false,
      },
    );
    return report!;
  }

  @Post('git')
  @HttpCode(200)
  async pull(
    @Caller() caller: AuthContext,
    @Param('slug') slug: string,
    @Body(new ZodPipe(ZGitSyncRequest)) body: TGitSyncRequest,
  ): Promise<TContentSyncReport> {
    const course = await this.accounts.requireCourseStaff(caller, slug);
    if (!course.contentGitUrl)
      throw new InvalidError('no git repository is configured for this course: set one first', [{ path: 'gitUrl', message: 'not set' }]);
    const [report] = await syncContent(
      this.prisma,
      { kind: 'GIT', url: course.contentGitUrl, ...(course.contentGitRef ? { ref: course.contentGitRef } : {}) },
      {
        actorId: caller.userId,
        via: 'web',
        courseSlug: slug,
        dryRun: body.dryRun,
        overwriteEditedPolicies: body.overwriteEditedPolicies,
        ...(body.expectRevision ? { expectRevision: body.expectRevision } : {}),
        allowCreate: false,
        git: this.git,
      },
    );
    return report!;
  }
}
