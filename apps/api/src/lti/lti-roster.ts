import { courseRoleOf, fetchMembers, NRPS_SCOPE, serviceToken, type TMember } from '@epoch/lti';
import { writeAudit, type EpochPrismaClient, type LtiPlatform } from '@epoch/db';
import { accountOfLaunch, enrolFromLms } from './lti-launch';
import { currentToolKey } from './lti-keys';

/**
 * Names and Role Provisioning Services: brings an Epoch course's enrolments in line with the LMS rosters of the
 * contexts mapped to it. Active members are enrolled (accounts created as on a first launch); members who left
 * (inactive, deleted or gone from the roster) lose the enrolments the LMS gave them (never those made in Epoch).
 */
export async function syncRoster(
  prisma: EpochPrismaClient,
  courseId: string,
  actorId: string | null,
): Promise<{ joined: number; left: number; contexts: number }> {
  const contexts = await prisma.ltiContext.findMany({ where: { courseId, membershipsUrl: { not: null } }, include: { platform: true } });
  let joined = 0;
  let left = 0;
  for (const ctx of contexts) {
    const { accessToken } = await serviceToken({
      tokenUrl: ctx.platform.tokenUrl,
      clientId: ctx.platform.clientId,
      key: await currentToolKey(prisma),
      scopes: [NRPS_SCOPE],
    });
    const members = await fetchMembers(ctx.membershipsUrl!, accessToken);
    const active = members.filter((m) => (m.status ?? 'Active') === 'Active');
    const activeUserIds = new Set<string>();
    for (const m of active) {
      const user = await accountOfLaunch(prisma, ctx.platform, asLaunch(ctx.platform, m));
      activeUserIds.add(user.id);
      const before = await prisma.enrollment.findUnique({ where: { userId_courseId: { userId: user.id, courseId } } });
      await enrolFromLms(prisma, user.id, courseId, courseRoleOf(m.roles));
      if (!before) joined++;
    }
    const lmsUsers = await prisma.ltiUser.findMany({ where: { platformId: ctx.platformId }, select: { userId: true } });
    const gone = lmsUsers.map((u) => u.userId).filter((id) => !activeUserIds.has(id));
    if (gone.length) {
      const r = await prisma.enrollment.deleteMany({ where: { courseId, joinedVia: 'LTI', userId: { in: gone } } });
      left += r.count;
    }
    await prisma.ltiContext.update({ where: { id: ctx.id }, data: { lastRosterSyncAt: new Date() } });
  }
  await writeAudit(prisma, { actorId, action: 'lti.roster.sync', entityType: 'Course', entityId: courseId, data: { joined, left, contexts: contexts.length } });
  return { joined, left, contexts: contexts.length };
}

/** A roster member in the shape of a launch (accountOfLaunch reads sub, e-mail, name and roles). */
function asLaunch(platform: LtiPlatform, m: TMember): Parameters<typeof accountOfLaunch>[2] {
  return {
    iss: platform.issuer,
    sub: m.user_id,
    aud: platform.clientId,
    nonce: '-',
    email: m.email,
    name: m.name,
    'https://purl.imsglobal.org/spec/lti/claim/roles': m.roles,
  } as unknown as Parameters<typeof accountOfLaunch>[2];
}

/** The scheduled sync: every course with an LMS roster service, one after the other (a failing LMS does not stop the others). */
export async function syncAllRosters(prisma: EpochPrismaClient, log: { warn: (o: object, msg: string) => void }): Promise<void> {
  const courses = await prisma.ltiContext.findMany({
    where: { courseId: { not: null }, membershipsUrl: { not: null } },
    distinct: ['courseId'],
    select: { courseId: true },
  });
  for (const c of courses) {
    try {
      await syncRoster(prisma, c.courseId!, null);
    } catch (e) {
      log.warn({ courseId: c.courseId, err: e instanceof Error ? e.message : String(e) }, 'lti: roster sync failed');
    }
  }
}
