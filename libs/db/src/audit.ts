import type { Prisma } from './generated/client';
import type { TDb } from './client';

/** One audit log entry: who (null: the system) did what to which entity, with optional details. */
export interface TAuditEntry {
  actorId?: string | null;
  action: string;
  entityType: string;
  entityId: string;
  data?: Prisma.InputJsonValue;
}

/** The one writer of the audit log (pass a transaction client to write it with the change it records). */
export async function writeAudit(db: TDb, entry: TAuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      ...(entry.actorId !== undefined ? { actorId: entry.actorId } : {}),
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      ...(entry.data !== undefined ? { data: entry.data } : {}),
    },
  });
}
