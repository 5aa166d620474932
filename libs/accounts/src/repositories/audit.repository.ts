import type { AuditLog, Prisma, TDb } from '@epoch/db';

export type TAuditRow = AuditLog & { actor: { id: string; name: string; email: string } | null };

/** A page of the audit log, newest first, with the filters the admins' page offers. */
export async function pageOfAudit(
  db: TDb,
  q: { action?: string; actor?: string; entityType?: string; entityId?: string; from?: Date; to?: Date; skip: number; take: number },
): Promise<{ rows: TAuditRow[]; total: number }> {
  const where: Prisma.AuditLogWhereInput = {
    ...(q.action ? (q.action.endsWith('.') ? { action: { startsWith: q.action } } : { action: q.action }) : {}),
    ...(q.actor
      ? q.actor === 'system'
        ? { actorId: null }
        : { OR: [{ actorId: q.actor }, { actor: { email: { equals: q.actor, mode: 'insensitive' as const } } }] }
      : {}),
    ...(q.entityType ? { entityType: q.entityType } : {}),
    ...(q.entityId ? { entityId: q.entityId } : {}),
    ...(q.from || q.to ? { createdAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.auditLog.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: q.skip,
      take: q.take,
      include: { actor: { select: { id: true, name: true, email: true } } },
    }),
    db.auditLog.count({ where }),
  ]);
  return { rows, total };
}

/** The actions the log holds, for the page's filter. */
export async function auditActions(db: TDb): Promise<string[]> {
  const rows = await db.auditLog.findMany({ distinct: ['action'], select: { action: true }, orderBy: { action: 'asc' } });
  return rows.map((r) => r.action);
}
