import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { openSession } from '@epoch/accounts';
import type { EpochPrismaClient, LtiPlatform } from '@epoch/db';
import {
  courseRoleOf,
  deepLinkingResponse,
  LTI,
  LtiLaunchError,
  platformJwks,
  verifyLaunch,
  type TDeepLinkingLaunch,
  type TLaunchMessage,
  type TResourceLinkLaunch,
} from '@epoch/lti';
import type { TLtiPickResult, TLtiPickView, TMe } from '@epoch/contracts';
import { API_CONFIG, PRISMA, REDIS, type TApiConfig } from '../config';
import { notFound } from '../http/api-error';
import { accountOfLaunch, contextOfLaunch, enrolFromLms, exercisesOnOffer, mapLink } from './lti-launch';
import { currentToolKey } from './lti-keys';

/** How long a login may take at the platform, and a picker may stay open. */
const FLOW_SECONDS = 600;
const PICK_SECONDS = 1800;
/** Used nonces are remembered this long (longer than any accepted token's age). */
const NONCE_SECONDS = 3600;
export const LTI_CLOCK_SKEW_SECONDS = 60;
export const LTI_MAX_TOKEN_AGE_SECONDS = 600;

/** The third-party-initiated login's parameters (LTI Core §5.1.1 / Security Framework §5.1.1.1). */
export const ZLoginInitiation = z.object({
  iss: z.string().min(1),
  login_hint: z.string().min(1),
  target_link_uri: z.string().min(1),
  lti_message_hint: z.string().optional(),
  client_id: z.string().optional(),
  lti_deployment_id: z.string().optional(),
});
export type TLoginInitiation = z.infer<typeof ZLoginInitiation>;

const ZFlow = z.object({ platformId: z.string(), nonce: z.string(), login: ZLoginInitiation });
const ZPick = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('link'), userId: z.string(), linkId: z.string(), title: z.string(), platform: z.string(), courseId: z.string().nullable() }),
  z.object({
    kind: z.literal('deep-link'),
    userId: z.string(),
    title: z.string(),
    platformId: z.string(),
    platform: z.string(),
    deploymentId: z.string(),
    returnUrl: z.string(),
    data: z.string().optional(),
    courseId: z.string().nullable(),
    contextRowId: z.string(),
  }),
]);
type TPick = z.infer<typeof ZPick>;

export type TLaunchOutcome =
  { kind: 'signed-in'; session: { me: TMe; token: string; expiresAt: Date }; redirect: string } | { kind: 'not-ready'; message: string };

/** A launch that needs the browser's state cookie (blocked in the frame): the page offers a new window. */
export class LtiCookieBlocked extends Error {
  constructor(readonly relaunchUrl: string) {
    super("the browser did not send Epoch's cookie inside the LMS frame");
  }
}

/**
 * The LTI 1.3 tool's flows: the OIDC login (state and nonce kept in Redis for FLOW_SECONDS, taken once), the launch
 * (validated by @epoch/lti's verifyLaunch, nonce single-use), mapping to Epoch's course, exercise and account, and the
 * instructor's picker (a resource link's exercise, or a Deep Linking response signed with the tool's current key).
 */
@Injectable()
export class LtiService {
  constructor(
    @Inject(API_CONFIG) private readonly config: TApiConfig,
    @Inject(PRISMA) private readonly prisma: EpochPrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  url(path: string): string {
    return new URL(path, this.config.EPOCH_PUBLIC_URL).href;
  }

  private key(kind: string, id: string): string {
    return `${this.config.EPOCH_QUEUE_PREFIX}:epoch:lti-${kind}:${id}`;
  }

  /** The registration a login names: issuer and client id (or the issuer's only registration when no client id is sent). */
  async platformOf(iss: string, clientId: string | undefined): Promise<LtiPlatform> {
    const found = await this.prisma.ltiPlatform.findMany({ where: { issuer: iss, ...(clientId ? { clientId } : {}) }, take: 2 });
    if (found.length === 0)
      throw new LtiLaunchError(
        'unknown_platform',
        `no LMS platform is registered with issuer ${iss}${clientId ? ` and client id ${clientId}` : ''} (an Epoch admin registers it)`,
      );
    if (found.length > 1) throw new LtiLaunchError('ambiguous_platform', `several registrations have issuer ${iss}: the LMS must send client_id`);
    return found[0]!;
  }

  /** Step 1: the platform's login initiation. Answers the platform's authorization URL and the state for the cookie. */
  async login(params: TLoginInitiation): Promise<{ url: string; state: string }> {
    const platform = await this.platformOf(params.iss, params.client_id);
    if (params.lti_deployment_id && !platform.deploymentIds.includes(params.lti_deployment_id))
      throw new LtiLaunchError('unknown_deployment', `the deployment ${params.lti_deployment_id} is not registered for ${platform.name}`);
    const state = randomBytes(24).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    await this.redis.set(this.key('flow', state), JSON.stringify({ platformId: platform.id, nonce, login: params }), 'EX', FLOW_SECONDS);
    const u = new URL(platform.authUrl);
    const q: Record<string, string> = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: platform.clientId,
      redirect_uri: this.url('/api/lti/launch'),
      login_hint: params.login_hint,
      state,
      nonce,
      ...(params.lti_message_hint ? { lti_message_hint: params.lti_message_hint } : {}),
    };
    for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
    return { url: u.href, state };
  }

  /** Step 2: the platform posts the id_token back. Validates it, maps the launch and opens an Epoch session. */
  async launch(
    form: { id_token?: unknown; state?: unknown },
    cookieState: string | undefined,
    meta: { ip?: string; userAgent?: string },
  ): Promise<TLaunchOutcome> {
    if (typeof form.id_token !== 'string' || typeof form.state !== 'string')
      throw new LtiLaunchError('no_token', 'the launch carries no id_token and state: start it from the LMS');
    const raw = await this.redis.getdel(this.key('flow', form.state));
    const flow = raw ? ZFlow.safeParse(JSON.parse(raw)) : undefined;
    if (!flow?.success) throw new LtiLaunchError('unknown_state', 'this launch expired or was already used: launch again from the LMS');
    if (cookieState === undefined) {
      const relaunch = new URL(this.url('/api/lti/login'));
      for (const [k, v] of Object.entries(flow.data.login)) if (v !== undefined) relaunch.searchParams.set(k, v);
      throw new LtiCookieBlocked(relaunch.href);
    }
    if (cookieState !== form.state) throw new LtiLaunchError('wrong_state', 'this launch was started in another browser window: launch again from the LMS');
    const platform = await this.prisma.ltiPlatform.findUnique({ where: { id: flow.data.platformId } });
    if (!platform) throw new LtiLaunchError('unknown_platform', 'the LMS platform of this launch is no longer registered');
    const m = await verifyLaunch(form.id_token, {
      issuer: platform.issuer,
      clientId: platform.clientId,
      deploymentIds: platform.deploymentIds,
      nonce: flow.data.nonce,
      jwks: platformJwks(platform.jwksUrl),
      clockSkewSeconds: LTI_CLOCK_SKEW_SECONDS,
      maxAgeSeconds: LTI_MAX_TOKEN_AGE_SECONDS,
    });
    const fresh = await this.redis.set(this.key('nonce', `${platform.id}:${m.nonce}`), '1', 'EX', NONCE_SECONDS, 'NX');
    if (fresh !== 'OK') throw new LtiLaunchError('nonce_reused', 'this launch was already used (its nonce was seen before): launch again from the LMS');
    return this.afterValidation(platform, m, meta);
  }

  private async afterValidation(platform: LtiPlatform, m: TLaunchMessage, meta: { ip?: string; userAgent?: string }): Promise<TLaunchOutcome> {
    const role = courseRoleOf(m[LTI.roles]);
    const user = await accountOfLaunch(this.prisma, platform, m);
    if (user.deactivatedAt) throw new LtiLaunchError('deactivated', 'your Epoch account is deactivated: ask your instructor');
    const context = await contextOfLaunch(this.prisma, platform, m);
    const session = () => openSession(this.prisma, user, { sessionTtlHours: this.config.EPOCH_SESSION_TTL_HOURS }, meta);

    if (m[LTI.messageType] === 'LtiDeepLinkingRequest') {
      if (role !== 'INSTRUCTOR') throw new LtiLaunchError('not_instructor', 'only instructors add Epoch exercises to an LMS course');
      if (context.courseId) await enrolFromLms(this.prisma, user.id, context.courseId, role);
      const settings = (m as TDeepLinkingLaunch)[LTI.deepLinkingSettings];
      const pick = await this.newPick({
        kind: 'deep-link',
        userId: user.id,
        title: context.title,
        platformId: platform.id,
        platform: platform.name,
        deploymentId: m[LTI.deploymentId],
        returnUrl: settings.deep_link_return_url,
        ...(settings.data !== undefined ? { data: settings.data } : {}),
        courseId: context.courseId,
        contextRowId: context.id,
      });
      return { kind: 'signed-in', session: await session(), redirect: this.url(`/lti/pick?id=${pick}`) };
    }

    const rl = (m as TResourceLinkLaunch)[LTI.resourceLink];
    const lineItem = m[LTI.ags]?.lineitem;
    const link = await this.prisma.ltiResourceLink.upsert({
      where: { platformId_resourceLinkId: { platformId: platform.id, resourceLinkId: rl.id } },
      create: {
        platformId: platform.id,
        ltiContextId: context.id,
        resourceLinkId: rl.id,
        title: (rl.title ?? 'Epoch exercise').slice(0, 200),
        lineItemUrl: m[LTI.ags]?.lineitem ?? null,
      },
      update: { ...(lineItem ? { lineItemUrl: lineItem } : {}) },
    });
    let exerciseId = link.exerciseId;
    // A link made by Deep Linking names its exercise in its custom parameters: mapped on its first launch.
    const custom = m[LTI.custom]?.['epoch_exercise'];
    if (!exerciseId && typeof custom === 'string') {
      await mapLink(this.prisma, link.id, custom, null);
      exerciseId = custom;
    }
    if (!exerciseId) {
      if (role !== 'INSTRUCTOR')
        return { kind: 'not-ready', message: `"${link.title}" is not set up in Epoch yet: your instructor opens it once to choose its exercise.` };
      if (context.courseId) await enrolFromLms(this.prisma, user.id, context.courseId, role);
      const pick = await this.newPick({
        kind: 'link',
        userId: user.id,
        linkId: link.id,
        title: link.title,
        platform: platform.name,
        courseId: context.courseId,
      });
      return { kind: 'signed-in', session: await session(), redirect: this.url(`/lti/pick?id=${pick}`) };
    }
    const exercise = await this.prisma.exercise.findUniqueOrThrow({ where: { id: exerciseId }, include: { course: true } });
    await enrolFromLms(this.prisma, user.id, exercise.courseId, role);
    return { kind: 'signed-in', session: await session(), redirect: this.url(`/courses/${exercise.course.slug}/exercises/${exercise.slug}`) };
  }

  private async newPick(p: TPick): Promise<string> {
    const id = randomBytes(18).toString('base64url');
    await this.redis.set(this.key('pick', id), JSON.stringify(p), 'EX', PICK_SECONDS);
    return id;
  }

  private async pickOf(id: string, userId: string): Promise<TPick> {
    const raw = await this.redis.get(this.key('pick', id));
    const p = raw ? ZPick.safeParse(JSON.parse(raw)) : undefined;
    if (!p?.success || p.data.userId !== userId) throw notFound('this exercise picker expired or is not yours: open the link from the LMS again');
    return p.data;
  }

  async pickView(id: string, caller: { userId: string; role: 'STUDENT' | 'INSTRUCTOR' | 'ADMIN' }): Promise<TLtiPickView> {
    const p = await this.pickOf(id, caller.userId);
    return {
      kind: p.kind,
      title: p.title,
      platform: p.platform,
      exercises: await exercisesOnOffer(this.prisma, { id: caller.userId, role: caller.role }, p.courseId),
    };
  }

  /** The instructor's choice: maps the link (then opens the exercise), or answers the LMS with a signed Deep Linking response. */
  async pick(id: string, caller: { userId: string; role: 'STUDENT' | 'INSTRUCTOR' | 'ADMIN' }, exerciseId: string): Promise<TLtiPickResult> {
    const p = await this.pickOf(id, caller.userId);
    const offered = await exercisesOnOffer(this.prisma, { id: caller.userId, role: caller.role }, p.courseId);
    const ex = offered.find((e) => e.id === exerciseId);
    if (!ex) throw notFound('that exercise is not one you may link here (pick one of the list)');
    await this.redis.del(this.key('pick', id));
    if (p.kind === 'link') {
      const r = await mapLink(this.prisma, p.linkId, exerciseId, caller.userId);
      return { kind: 'redirect', url: this.url(`/courses/${r.courseSlug}/exercises/${r.exerciseSlug}`) };
    }
    const platform = await this.prisma.ltiPlatform.findUniqueOrThrow({ where: { id: p.platformId } });
    if (!p.courseId)
      await this.prisma.ltiContext.update({
        where: { id: p.contextRowId },
        data: { courseId: (await this.prisma.exercise.findUniqueOrThrow({ where: { id: ex.id } })).courseId },
      });
    const jwt = await deepLinkingResponse(await currentToolKey(this.prisma), {
      clientId: platform.clientId,
      platformIssuer: platform.issuer,
      deploymentId: p.deploymentId,
      ...(p.data !== undefined ? { data: p.data } : {}),
      items: [{ title: ex.title, url: this.url('/api/lti/launch'), custom: { epoch_exercise: ex.id }, scoreMaximum: 100, resourceId: ex.id }],
    });
    return { kind: 'form_post', url: p.returnUrl, fields: { JWT: jwt } };
  }
}
