import { hashPassword } from '@epoch/db';
import type { TRosterImportResult } from '@epoch/contracts';
import { ConflictError, InvalidError } from '@epoch/contracts';
import { writeAudit } from '@epoch/db';
import { coursesBySlug, insertEnrollment } from '../repositories/course.repository';
import { inTransaction, isUniqueViolation, type TDb } from '@epoch/db';
import { insertUser, takenEmails } from '../repositories/user.repository';
import { parseRoster, type TRosterRow } from './roster';
import { newInitialPassword, userView } from './user-view';

const REFUSED = 'the roster has errors; nothing was imported';

/**
 * Imports a CSV roster (see parseRoster): all rows or none. Every problem (a bad field, an unknown course, a taken
 * email, an admin with a course) is reported at once with its line, as an InvalidError with code `invalid_roster`.
 */
export async function importRoster(db: TDb, actorId: string, csv: string): Promise<TRosterImportResult> {
  const { rows, issues } = parseRoster(csv);
  if (issues.length) throw new InvalidError(REFUSED, issues, 'invalid_roster');
  const courses = await coursesBySlug(db, [...new Set(rows.flatMap((r) => (r.course ? [r.course] : [])))]);
  const existing = await takenEmails(
    db,
    rows.map((r) => r.email),
  );
  const problems = rows.flatMap((r) => [
    ...(r.course && !courses.has(r.course) ? [{ path: `line ${r.line}: course`, message: `no course "${r.course}"` }] : []),
    ...(existing.has(r.email) ? [{ path: `line ${r.line}: email`, message: `a user with email ${r.email} already exists` }] : []),
    ...(r.course && r.role === 'ADMIN' ? [{ path: `line ${r.line}: course`, message: 'admins are not enrolled in courses' }] : []),
  ]);
  if (problems.length) throw new InvalidError(REFUSED, problems, 'invalid_roster');
  // Hash outside the transaction (argon2 is deliberately slow), one at a time so a big roster cannot starve the API.
  const prepared: { row: TRosterRow; hash: string; initialPassword?: string }[] = [];
  for (const row of rows) {
    const initialPassword = row.password ? undefined : newInitialPassword();
    prepared.push({ row, hash: await hashPassword(row.password ?? initialPassword ?? ''), ...(initialPassword ? { initialPassword } : {}) });
  }
  try {
    const created = await inTransaction(
      db,
      async (tx) => {
        const out: TRosterImportResult['created'] = [];
        for (const p of prepared) {
          const u = await insertUser(tx, { email: p.row.email, name: p.row.name, role: p.row.role, passwordHash: p.hash });
          const course = p.row.course ? courses.get(p.row.course) : undefined;
          if (course)
            await insertEnrollment(tx, {
              userId: u.id,
              courseId: course.id,
              role: p.row.role === 'INSTRUCTOR' ? 'INSTRUCTOR' : 'STUDENT',
              joinedVia: 'ROSTER',
            });
          out.push({ ...userView(u), course: course?.slug ?? null, ...(p.initialPassword ? { initialPassword: p.initialPassword } : {}) });
        }
        await writeAudit(tx, {
          actorId,
          action: 'user.import',
          entityType: 'User',
          entityId: actorId,
          data: { count: out.length, emails: out.map((u) => u.email) },
        });
        return out;
      },
      { timeout: 60_000 },
    );
    return { created };
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError('email_taken', 'a user in the roster was created meanwhile; nothing was imported');
    throw e;
  }
}
