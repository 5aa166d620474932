import type { EpochPrismaClient } from '@epoch/db';
import { countedResultOf, outboxHandler, ZLtiGradePayload, type TOutboxHandler } from '@epoch/grading';
import { AGS_GRADE_SCOPES, findOrCreateLineItem, postScore, scoreMessage, serviceToken } from '@epoch/lti';
import { currentToolKey } from './lti-keys';

/** Line items are scored out of this (Epoch's grade is a share of full marks). */
export const LTI_SCORE_MAXIMUM = 100;

/** Access tokens per platform, reused until a minute before they expire. */
const tokens = new Map<string, { accessToken: string; expiresAt: number }>();

async function tokenFor(prisma: EpochPrismaClient, platform: { id: string; tokenUrl: string; clientId: string }): Promise<string> {
  const cached = tokens.get(platform.id);
  if (cached && cached.expiresAt - 60_000 > Date.now()) return cached.accessToken;
  const t = await serviceToken({ tokenUrl: platform.tokenUrl, clientId: platform.clientId, key: await currentToolKey(prisma), scopes: AGS_GRADE_SCOPES });
  tokens.set(platform.id, t);
  return t.accessToken;
}

/**
 * Delivers LTI_GRADE messages (AGS): the student's counted grade at the link's exercise, as it is now (the gradebook's
 * rule, late credit included), posted to the link's line item (from the launch, else found or created in the context's
 * line items). A platform's refusal throws with its message: the outbox retries with backoff and keeps the error for
 * the instructor's page. Skipped: a link no longer mapped, a student not known to the platform, no graded attempt.
 */
export function ltiGradeHandler(deps: { prisma: EpochPrismaClient }): TOutboxHandler<never> {
  const { prisma } = deps;
  return outboxHandler({
    payload: ZLtiGradePayload,
    deliver: async (p) => {
      const link = await prisma.ltiResourceLink.findUnique({ where: { id: p.linkId }, include: { platform: true, context: true, exercise: true } });
      if (!link?.exercise) return { skipped: 'the LMS link is no longer mapped to an exercise' };
      const lmsUser = await prisma.ltiUser.findFirst({ where: { platformId: link.platformId, userId: p.userId } });
      if (!lmsUser) return { skipped: 'the student never launched from this LMS' };
      const counted = await countedResultOf(prisma, link.exercise.id, p.userId);
      if (!counted) return { skipped: 'no graded attempt to post yet' };
      try {
        await send(link, lmsUser.sub, counted);
      } catch (e) {
        const message = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
        await prisma.ltiResourceLink.update({ where: { id: link.id }, data: { lastGradeError: message, lastGradeErrorAt: new Date() } });
        throw e;
      }
      await prisma.ltiResourceLink.update({ where: { id: link.id }, data: { lastGradeSyncAt: new Date() } });
      return { sent: true };
    },
  });

  async function send(
    link: {
      id: string;
      platformId: string;
      resourceLinkId: string;
      lineItemUrl: string | null;
      platform: { id: string; tokenUrl: string; clientId: string };
      context: { lineItemsUrl: string | null };
      exercise: { id: string; title: string } | null;
    },
    sub: string,
    counted: NonNullable<Awaited<ReturnType<typeof countedResultOf>>>,
  ): Promise<void> {
    const token = await tokenFor(prisma, link.platform);
    let lineItem = link.lineItemUrl;
    if (!lineItem) {
      if (!link.context.lineItemsUrl) throw new Error('the LMS gave no grade service (AGS) for this course');
      lineItem = await findOrCreateLineItem(link.context.lineItemsUrl, token, {
        resourceLinkId: link.resourceLinkId,
        resourceId: link.exercise!.id,
        label: link.exercise!.title,
        scoreMaximum: LTI_SCORE_MAXIMUM,
      });
      await prisma.ltiResourceLink.update({ where: { id: link.id }, data: { lineItemUrl: lineItem } });
    }
    await postScore(
      lineItem,
      token,
      scoreMessage({
        userId: sub,
        score: counted.score,
        scoreMaximum: LTI_SCORE_MAXIMUM,
        timestamp: new Date(),
        comment: `${counted.status === 'PASSED' ? 'Passed' : 'Not passed'}: test accuracy ${(counted.testAccuracy * 100).toFixed(1)}%${counted.late ? `, late (credit ${Math.round(counted.credit * 100)}%)` : ''}`,
      }),
    );
  }
}
