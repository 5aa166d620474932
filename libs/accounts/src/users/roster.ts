import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ZPassword, ZUserRole } from '@epoch/contracts';

export interface TRosterRow {
  line: number;
  email: string;
  name: string;
  role: z.infer<typeof ZUserRole>;
  password: string | null;
  course: string | null;
}
export interface TRosterIssue {
  path: string;
  message: string;
}

const COLUMNS = ['email', 'name', 'role', 'password', 'course'] as const;
const ZRow = z.object({
  email: z.email(),
  name: z.string().trim().min(1, 'required').max(200),
  role: z.preprocess((v) => (v === '' || v === undefined ? 'STUDENT' : String(v).toUpperCase()), ZUserRole),
  password: z.preprocess((v) => (v === '' ? undefined : v), ZPassword.optional()),
  course: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
});

/**
 * Parses a roster CSV (header row; columns email, name and optional role, password, course). Returns every row or
 * every problem, each addressed as `line N: column` so an admin can fix the file in one pass.
 */
export function parseRoster(csv: string): { rows: TRosterRow[]; issues: TRosterIssue[] } {
  let records: string[][];
  try {
    records = parse(csv, { skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as string[][];
  } catch (e) {
    return { rows: [], issues: [{ path: 'csv', message: e instanceof Error ? e.message : String(e) }] };
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], issues: [{ path: 'csv', message: 'empty file: expected a header row (email,name,role,password,course)' }] };
  const cols = header.map((h) => h.toLowerCase());
  const issues: TRosterIssue[] = [];
  for (const [i, c] of cols.entries()) {
    if (!(COLUMNS as readonly string[]).includes(c))
      issues.push({ path: `line 1: column ${i + 1}`, message: `unknown column "${c}" (expected ${COLUMNS.join(', ')})` });
  }
  for (const need of ['email', 'name']) if (!cols.includes(need)) issues.push({ path: 'line 1', message: `missing column "${need}"` });
  if (issues.length) return { rows: [], issues };
  if (body.length === 0) return { rows: [], issues: [{ path: 'csv', message: 'no rows after the header' }] };
  const rows: TRosterRow[] = [];
  const seen = new Map<string, number>();
  body.forEach((record, i) => {
    const line = i + 2;
    const obj = Object.fromEntries(cols.map((c, j) => [c, record[j] ?? '']));
    const r = ZRow.safeParse(obj);
    if (!r.success) {
      for (const issue of r.error.issues) issues.push({ path: `line ${line}: ${issue.path.join('.')}`, message: issue.message });
      return;
    }
    const email = r.data.email.toLowerCase();
    const first = seen.get(email);
    if (first) issues.push({ path: `line ${line}: email`, message: `duplicate of line ${first}` });
    seen.set(email, line);
    rows.push({ line, email, name: r.data.name, role: r.data.role, password: r.data.password ?? null, course: r.data.course ?? null });
  });
  return issues.length ? { rows: [], issues } : { rows, issues };
}
