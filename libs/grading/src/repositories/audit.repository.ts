import type { Prisma } from '@epoch/db';
import type { TDb } from '../lifecycle/lifecycle';

export interface TAuditEntry {
  /** Null for the system (graders, the seed, migrations). */
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  data: Prisma.InputJsonValue;
}

/** Writes one audit entry (inside the caller's transaction, so it commits with the change it records). */
export async function audit(db: TDb, entry: TAuditEntry): Promise<void> {
  await db.auditLog.create({ data: entry });
}
