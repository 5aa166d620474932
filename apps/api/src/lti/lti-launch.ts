import { createHash } from 'node:crypto';
import { NO_PASSWORD_HASH } from '@epoch/accounts';
import { inTransaction, isUniqueViolation, writeAudit, type LtiPlatform, type TDb, type User } from '@epoch/db';
import { courseRoleOf, LTI, LtiLaunchError, type TLaunchMessage } from '@epoch/lti';

/** The Epoch account of an LMS user: the one linked before, else the account with the LMS's e-mail, else a new one. */
export async function accountOfLaunch(db: TDb, platform: LtiPlatform, m: TLaunchMessage): Promise<User> {
  const linked = await db.ltiUser.findUnique({ where: { platformId_sub: { platformId: platform.id, sub: m.sub } }, include: { user: true } });
  if (linked) return linked.user;
  const staff = courseRoleOf(m[LTI.roles]) === 'INSTRUCTOR';
  const email = m.email?.trim().toLowerCase() || `lti-${createHash('sha256').update(`${platform.id}\n${m.sub}`).digest('hex').slice(0, 20)}@lti.invalid`;
  const name = (m.name ?? [m.given_name, m.family_name].filter(Boolean).join(' ')).trim().slice(0, 200) || 'LMS user';
  try {
    return await inTransaction(db, async (tx) => {
      let user = await tx.user.findUnique({ where: { email } });
      if (!user) {
        user = await tx.user.create({ data: { email, name, role: staff ? 'INSTRUCTOR' : 'STUDENT', passwordHash: NO_PASSWORD_HASH } });
        await writeAudit(tx, {
          action: 'user.create',
          entityType: 'User',
          entityId: user.id,
          data: { email, role: user.role, via: 'lti', platform: platform.issuer, sub: m.sub },
        });
      }
      await tx.ltiUser.create({ data: { platformId: platform.id, sub: m.sub, userId: user.id } });
      return user;
    });
  } catch (e) {
    // Two first launches at once: the other one linked it.
    if (!isUniqueViolation(e)) throw e;
    const again = await db.ltiUser.findUnique({ where: { platformId_sub: { platformId: platform.id, sub: m.sub } }, include: { user: true } });
    if (!again) throw e;
    return again.user;
  }
}

/** Enrols an LMS user in the Epoch course with the LTI role (a student is never made staff; staff is never demoted). */
export async function enrolFromLms(db: TDb, userId: string, courseId: string, role: 'STUDENT' | 'INSTRUCTOR'): Promise<void> {
  const existing = await db.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  if (!existing) {
    try {
      await db.enrollment.create({ data: { userId, courseId, role, joinedVia: 'LTI' } });
      await writeAudit(db, { action: 'enrollment.create', entityType: 'Course', entityId: courseId, data: { userId, role, via: 'lti' } });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  } else if (existing.role === 'STUDENT' && role === 'INSTRUCTOR') {
    await db.enrollment.update({ where: { id: existing.id }, data: { role } });
  }
}

/** The LMS course (context) of a launch, recorded with its service URLs (NRPS memberships, AGS line items). */
export async function contextOfLaunch(db: TDb, platform: LtiPlatform, m: TLaunchMessage) {
  const ctx = m[LTI.context];
  if (!ctx) throw new LtiLaunchError('no_context', 'the launch has no course (context claim): Epoch links are placed in LMS courses');
  const services = {
    membershipsUrl: m[LTI.nrps]?.context_memberships_url ?? null,
    lineItemsUrl: m[LTI.ags]?.lineitems ?? null,
  };
  const title = (ctx.title ?? ctx.label ?? ctx.id).slice(0, 200);
  return db.ltiContext.upsert({
    where: { platformId_contextId: { platformId: platform.id, contextId: ctx.id } },
    create: { platformId: platform.id, contextId: ctx.id, title, ...services },
    update: {
      title,
      ...(services.membershipsUrl ? { membershipsUrl: services.membershipsUrl } : {}),
      ...(services.lineItemsUrl ? { lineItemsUrl: services.lineItemsUrl } : {}),
    },
  });
}

/** Sets the exercise of a resource link, and the context's Epoch course when it has none yet (it must agree). */
export async function mapLink(db: TDb, linkId: string, exerciseId: string, actorId: string | null): Promise<{ courseSlug: string; exerciseSlug: string }> {
  const link = await db.ltiResourceLink.findUniqueOrThrow({ where: { id: linkId }, include: { context: true } });
  const exercise = await db.exercise.findUnique({ where: { id: exerciseId }, include: { course: true } });
  if (!exercise || exercise.removedAt) throw new LtiLaunchError('no_exercise', 'that exercise does not exist (or was removed from its course)');
  if (link.context.courseId && link.context.courseId !== exercise.courseId)
    throw new LtiLaunchError('other_course', 'this LMS course is linked to another Epoch course: pick one of its exercises');
  await inTransaction(db, async (tx) => {
    if (!link.context.courseId) await tx.ltiContext.update({ where: { id: link.context.id }, data: { courseId: exercise.courseId } });
    await tx.ltiResourceLink.update({ where: { id: link.id }, data: { exerciseId } });
    await writeAudit(tx, {
      actorId,
      action: 'lti.link.map',
      entityType: 'LtiResourceLink',
      entityId: link.id,
      data: { exerciseId, resourceLinkId: link.resourceLinkId },
    });
  });
  return { courseSlug: exercise.course.slug, exerciseSlug: exercise.slug };
}

/** The exercises an instructor may map an LMS link to: of the context's course if mapped, else of the courses they teach (all for admins). */
export async function exercisesOnOffer(db: TDb, user: Pick<User, 'id' | 'role'>, courseId: string | null) {
  const exercises = await db.exercise.findMany({
    where: {
      removedAt: null,
      ...(courseId ? { courseId } : {}),
      ...(user.role === 'ADMIN' ? {} : { course: { enrollments: { some: { userId: user.id, role: 'INSTRUCTOR' } } } }),
    },
    include: { course: true },
    orderBy: [{ course: { title: 'asc' } }, { position: 'asc' }],
  });
  return exercises.map((e) => ({ id: e.id, title: e.title, slug: e.slug, courseSlug: e.course.slug, courseTitle: e.course.title }));
}
