import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@epoch/db';
import { createUser, importRoster, listUsers } from '@epoch/accounts';
import { ConflictError, InvalidError } from '@epoch/contracts';
import { createClass, freshDatabase, type TClassFixture, type TMediumDb } from '../harness';

/** Users: listing, creating one, and the all-or-nothing roster import, against a fresh database. */
describe('accounts: users', () => {
  let db: TMediumDb;
  let cls: TClassFixture;
  beforeAll(async () => {
    db = await freshDatabase();
    cls = await createClass(db.prisma, { students: 2 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** The refusal a use case throws (the test fails when it resolves). */
  async function refusal(p: Promise<unknown>): Promise<unknown> {
    return p.then(
      () => expect.fail('expected the use case to refuse'),
      (e: unknown) => e,
    );
  }

  it('creates a user with a generated initial password (returned once, stored only as a hash) and audits it', async () => {
    const u = await createUser(db.prisma, cls.admin.id, { email: 'New.Person@Epoch.test', name: 'New Person', role: 'INSTRUCTOR' });
    expect(u).toMatchObject({ email: 'new.person@epoch.test', name: 'New Person', role: 'INSTRUCTOR', initialPassword: expect.stringMatching(/^[\w-]{16}$/) });
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.passwordHash).not.toContain(u.initialPassword);
    expect(await verifyPassword(row.passwordHash, u.initialPassword!)).toBe(true);
    const audit = await db.prisma.auditLog.findMany({ where: { action: 'user.create', entityId: u.id } });
    expect(audit.map((a) => [a.actorId, a.entityType, a.data])).toEqual([[cls.admin.id, 'User', { email: 'new.person@epoch.test', role: 'INSTRUCTOR' }]]);
  });

  it('keeps a given password and returns no initial one', async () => {
    const u = await createUser(db.prisma, cls.admin.id, { email: 'given@epoch.test', name: 'Given', role: 'STUDENT', password: 'a-long-enough-password' });
    expect(u).not.toHaveProperty('initialPassword');
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(await verifyPassword(row.passwordHash, 'a-long-enough-password')).toBe(true);
  });

  it('refuses a taken email in any case with a conflict, and writes nothing', async () => {
    const before = await db.prisma.auditLog.count();
    const e = await refusal(createUser(db.prisma, cls.admin.id, { email: cls.students[0]!.email.toUpperCase(), name: 'Twin', role: 'STUDENT' }));
    expect(e).toBeInstanceOf(ConflictError);
    expect(e).toMatchObject({ code: 'email_taken', message: `a user with email ${cls.students[0]!.email} already exists` });
    expect(await db.prisma.auditLog.count()).toBe(before);
  });

  it('lists users oldest first, a page at a time, optionally of one role', async () => {
    const all = await listUsers(db.prisma, { page: 1, pageSize: 100 });
    const rows = await db.prisma.user.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    expect(all.items.map((u) => u.id)).toEqual(rows.map((u) => u.id));
    expect(all.total).toBe(rows.length);
    expect(all.items[0]).toEqual({
      id: rows[0]!.id,
      email: rows[0]!.email,
      name: rows[0]!.name,
      role: rows[0]!.role,
      createdAt: rows[0]!.createdAt.toISOString(),
      deactivatedAt: null,
    });
    const second = await listUsers(db.prisma, { page: 2, pageSize: 2 });
    expect(second).toMatchObject({ page: 2, pageSize: 2, total: rows.length });
    expect(second.items.map((u) => u.id)).toEqual(rows.slice(2, 4).map((u) => u.id));
    const instructors = await listUsers(db.prisma, { page: 1, pageSize: 100, role: 'INSTRUCTOR' });
    expect(instructors.items.every((u) => u.role === 'INSTRUCTOR')).toBe(true);
    expect(instructors.total).toBe(rows.filter((u) => u.role === 'INSTRUCTOR').length);
  });

  describe('roster import', () => {
    it('creates every row, enrolls them in their course with the right role, and audits the import once', async () => {
      const csv = [
        'email,name,role,password,course',
        `Roster.A@epoch.test,Roster A,,,${cls.courseSlug}`,
        `roster.b@epoch.test,Roster B,instructor,a-long-enough-password,${cls.courseSlug}`,
        'roster.c@epoch.test,Roster C,admin,,',
      ].join('\n');
      const { created } = await importRoster(db.prisma, cls.admin.id, csv);
      expect(created.map((u) => [u.email, u.role, u.course, typeof u.initialPassword])).toEqual([
        ['roster.a@epoch.test', 'STUDENT', cls.courseSlug, 'string'],
        ['roster.b@epoch.test', 'INSTRUCTOR', cls.courseSlug, 'undefined'],
        ['roster.c@epoch.test', 'ADMIN', null, 'string'],
      ]);
      const enrolled = await db.prisma.enrollment.findMany({ where: { userId: { in: created.map((u) => u.id) } }, select: { userId: true, role: true } });
      expect(enrolled).toEqual(
        expect.arrayContaining([
          { userId: created[0]!.id, role: 'STUDENT' },
          { userId: created[1]!.id, role: 'INSTRUCTOR' },
        ]),
      );
      expect(enrolled).toHaveLength(2);
      const b = await db.prisma.user.findUniqueOrThrow({ where: { email: 'roster.b@epoch.test' } });
      expect(await verifyPassword(b.passwordHash, 'a-long-enough-password')).toBe(true);
      const audit = await db.prisma.auditLog.findMany({ where: { action: 'user.import' } });
      expect(audit.map((a) => a.data)).toEqual([{ count: 3, emails: ['roster.a@epoch.test', 'roster.b@epoch.test', 'roster.c@epoch.test'] }]);
    });

    it('refuses a file with bad fields, naming each line and column, and imports nothing', async () => {
      const e = await refusal(
        importRoster(db.prisma, cls.admin.id, 'email,name,role\nok@epoch.test,Ok,\nnot-an-email,X,\nok2@epoch.test,,ROOT\nOK@epoch.test,Again,\n'),
      );
      expect(e).toBeInstanceOf(InvalidError);
      expect(e).toMatchObject({ code: 'invalid_roster', message: 'the roster has errors; nothing was imported' });
      expect((e as InvalidError).details?.map((d) => d.path)).toEqual(['line 3: email', 'line 4: name', 'line 4: role', 'line 5: email']);
      expect((e as InvalidError).details?.at(-1)?.message).toBe('duplicate of line 2');
      expect(await db.prisma.user.count({ where: { email: 'ok@epoch.test' } })).toBe(0);
    });

    it('refuses unknown courses, taken emails and admins with a course, all at once with their lines, and imports nothing', async () => {
      const before = await db.prisma.user.count();
      const csv = [
        'email,name,role,course',
        'fresh@epoch.test,Fresh,,',
        'lost@epoch.test,Lost,,no-such-course',
        `${cls.instructor.email.toUpperCase()},Taken,INSTRUCTOR,`,
        `boss@epoch.test,Boss,ADMIN,${cls.courseSlug}`,
      ].join('\n');
      const e = await refusal(importRoster(db.prisma, cls.admin.id, csv));
      expect(e).toBeInstanceOf(InvalidError);
      expect((e as InvalidError).details).toEqual([
        { path: 'line 3: course', message: 'no course "no-such-course"' },
        { path: 'line 4: email', message: `a user with email ${cls.instructor.email} already exists` },
        { path: 'line 5: course', message: 'admins are not enrolled in courses' },
      ]);
      expect(await db.prisma.user.count()).toBe(before);
      expect(await db.prisma.user.count({ where: { email: 'fresh@epoch.test' } })).toBe(0);
    });

    it('refuses an empty file and a header without rows', async () => {
      expect(await refusal(importRoster(db.prisma, cls.admin.id, ''))).toMatchObject({
        details: [{ path: 'csv', message: expect.stringMatching(/^empty file/) }],
      });
      expect(await refusal(importRoster(db.prisma, cls.admin.id, 'email,name\n'))).toMatchObject({
        details: [{ path: 'csv', message: 'no rows after the header' }],
      });
    });
  });
});
