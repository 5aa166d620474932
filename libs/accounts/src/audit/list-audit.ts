import type { TAuditEntry, TAuditQuery, TPage } from '@epoch/contracts';
import type { TDb } from '@epoch/db';
import { auditActions, pageOfAudit } from '../repositories/audit.repository';

/** The audit log for admins: who did what to which entity and when, newest first, filtered; with the known actions. */
export async function listAudit(db: TDb, q: TAuditQuery): Promise<TPage<TAuditEntry> & { actions: string[] }> {
  const [{ rows, total }, actions] = await Promise.all([
    pageOfAudit(db, {
      ...(q.action ? { action: q.action } : {}),
      ...(q.actor ? { actor: q.actor } : {}),
      ...(q.entityType ? { entityType: q.entityType } : {}),
      ...(q.entityId ? { entityId: q.entityId } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    auditActions(db),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      at: r.createdAt.toISOString(),
      actor: r.actor,
      action: r.action,
      entityType: r.entityType,
      entityId: r.entityId,
      data: r.data,
    })),
    page: q.page,
    pageSize: q.pageSize,
    total,
    actions,
  };
}
