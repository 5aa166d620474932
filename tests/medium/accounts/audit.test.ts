import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '@epoch/accounts';
import { inTransaction, writeAudit } from '@epoch/db';
import { createClass, freshDatabase, type TClassFixture, type TMediumDb } from '../harness';

/** The audit log's one writer, and use cases composed into a caller's transaction. */
describe('accounts: audit log and transactions', () => {
  let db: TMediumDb;
  let cls: TClassFixture;
  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma, { students: 0 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('writes an entry with its actor and data; a system entry has no actor and empty data', async () => {
    await writeAudit(db.prisma, { actorId: cls.admin.id, action: 'test.one', entityType: 'Course', entityId: cls.courseId, data: { n: 1 } });
    await writeAudit(db.prisma, { action: 'test.two', entityType: 'Course', entityId: cls.courseId });
    const rows = await db.prisma.auditLog.findMany({ where: { entityId: cls.courseId }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => [r.action, r.actorId, r.entityType, r.data])).toEqual([
      ['test.one', cls.admin.id, 'Course', { n: 1 }],
      ['test.two', null, 'Course', {}],
    ]);
  });

  it("runs a use case inside the caller's transaction: when the caller's work fails, the use case's writes and audit entry roll back too", async () => {
    const failed = inTransaction(db.prisma, async (tx) => {
      await createUser(tx, cls.admin.id, { email: 'rolled-back@epoch.test', name: 'Rolled back', role: 'STUDENT', password: 'a-long-enough-password' });
      await writeAudit(tx, { actorId: cls.admin.id, action: 'test.in-transaction', entityType: 'User', entityId: 'x' });
      throw new Error('the rest of the work failed');
    });
    await expect(failed).rejects.toThrow('the rest of the work failed');
    expect(await db.prisma.user.count({ where: { email: 'rolled-back@epoch.test' } })).toBe(0);
    expect(await db.prisma.auditLog.count({ where: { action: { in: ['user.create', 'test.in-transaction'] } } })).toBe(0);
    const kept = await inTransaction(db.prisma, (tx) =>
      createUser(tx, cls.admin.id, { email: 'kept@epoch.test', name: 'Kept', role: 'STUDENT', password: 'a-long-enough-password' }),
    );
    expect(await db.prisma.auditLog.count({ where: { action: 'user.create', entityId: kept.id } })).toBe(1);
  });
});
