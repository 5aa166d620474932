import { describe, expect, it } from 'vitest';
import { parseRoster } from './roster';

describe('parseRoster', () => {
  it('reads rows with defaults for role, password and course', () => {
    const r = parseRoster('email,name,role,password,course\nA@x.test,Ann,,,\nb@x.test,Bob,instructor,long-enough-pass,demo\n');
    expect(r.issues).toEqual([]);
    expect(r.rows).toEqual([
      { line: 2, email: 'a@x.test', name: 'Ann', role: 'STUDENT', password: null, course: null },
      { line: 3, email: 'b@x.test', name: 'Bob', role: 'INSTRUCTOR', password: 'long-enough-pass', course: 'demo' },
    ]);
  });

  it('accepts only the two required columns, in any order, with a BOM and quoted fields', () => {
    const r = parseRoster('\uFEFFname,email\n"Doe, Jane",jane@x.test\n');
    expect(r.rows).toEqual([{ line: 2, email: 'jane@x.test', name: 'Doe, Jane', role: 'STUDENT', password: null, course: null }]);
  });

  it('names the line and column of every bad field, and duplicates', () => {
    const r = parseRoster('email,name,role,password\nnot-an-email,Ann,,\nb@x.test,,ROOT,short\nc@x.test,C,,\nC@x.test,C2,,\n');
    expect(r.rows).toEqual([]);
    expect(r.issues.map((i) => i.path)).toEqual(['line 2: email', 'line 3: name', 'line 3: role', 'line 3: password', 'line 5: email']);
    expect(r.issues.at(-1)?.message).toBe('duplicate of line 4');
  });

  it('refuses unknown or missing columns, an empty file and a header without rows', () => {
    expect(parseRoster('email,nickname\n').issues.map((i) => i.message)).toEqual([
      'unknown column "nickname" (expected email, name, role, password, course)',
      'missing column "name"',
    ]);
    expect(parseRoster('').issues[0]?.message).toMatch(/empty file/);
    expect(parseRoster('email,name\n').issues[0]?.message).toBe('no rows after the header');
    expect(parseRoster('email,name\n"unclosed,x\n').issues[0]?.path).toBe('csv');
  });
});
