import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import type { EpochPrismaClient } from '@epoch/db';
import { ZLtiPlatformInput, type TLtiPlatformInput, type TLtiPlatformView, type TLtiToolConfig } from '@epoch/contracts';
import { API_CONFIG, PRISMA, type TApiConfig } from '../config';
import { ZodPipe } from '../http/zod.pipe';
import { Caller, Roles, type AuthContext } from '../auth/auth-context';
import { deletePlatform, listPlatforms, savePlatform } from './lti-platforms';
import { listToolKeys, rotateToolKeys } from './lti-keys';

/** Admins register LMS platforms, read what to enter in the LMS, and rotate Epoch's tool keys. */
@Roles('ADMIN')
@Controller('api/admin/lti')
export class LtiAdminController {
  constructor(
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
  ) {}

  /** What an LMS asks for when Epoch is registered as a tool. */
  @Get('tool')
  async tool(): Promise<TLtiToolConfig> {
    const url = (p: string) => new URL(p, this.config.EPOCH_PUBLIC_URL).href;
    return {
      loginUrl: url('/api/lti/login'),
      launchUrl: url('/api/lti/launch'),
      deepLinkingUrl: url('/api/lti/launch'),
      jwksUrl: url('/api/lti/jwks'),
      domain: new URL(this.config.EPOCH_PUBLIC_URL).host,
      keys: await listToolKeys(this.prisma),
    };
  }

  @Post('keys/rotate')
  @HttpCode(200)
  rotate(@Caller() caller: AuthContext): Promise<{ current: string; next: string }> {
    return rotateToolKeys(this.prisma, caller.userId);
  }

  @Get('platforms')
  list(): Promise<TLtiPlatformView[]> {
    return listPlatforms(this.prisma);
  }

  @Post('platforms')
  @HttpCode(201)
  create(@Caller() caller: AuthContext, @Body(new ZodPipe(ZLtiPlatformInput)) body: TLtiPlatformInput): Promise<TLtiPlatformView> {
    return savePlatform(this.prisma, caller.userId, body);
  }

  @Put('platforms/:id')
  update(@Caller() caller: AuthContext, @Param('id') id: string, @Body(new ZodPipe(ZLtiPlatformInput)) body: TLtiPlatformInput): Promise<TLtiPlatformView> {
    return savePlatform(this.prisma, caller.userId, body, id);
  }

  @Delete('platforms/:id')
  @HttpCode(204)
  remove(@Caller() caller: AuthContext, @Param('id') id: string): Promise<void> {
    return deletePlatform(this.prisma, caller.userId, id);
  }
}
