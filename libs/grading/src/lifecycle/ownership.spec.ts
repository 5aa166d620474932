import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SUBMISSION_STATES } from '@epoch/contracts';
import { SubmissionStatus } from '@epoch/db';

/**
 * The lifecycle's ownership, checked on the source tree: only libs/grading/src/lifecycle/ writes a submission's status,
 * and only decide() compares a test accuracy with the pass mark. A new direct write or a second comparison anywhere in
 * apps/ or libs/ fails here, naming the file and line.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const lifecycleDir = join(root, 'libs/grading/src/lifecycle');
const SKIP = new Set(['node_modules', 'dist', 'generated', '.next']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !/\.(spec|test)\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const files = ['apps', 'libs'].flatMap((d) => sources(join(root, d)));
const WRITES = new Set(['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert']);

interface TFinding {
  file: string;
  line: number;
  text: string;
}

/** Every source file parsed once (the scans below walk the same trees). */
let parsed: { file: string; sf: ts.SourceFile }[] | undefined;
const sourceFiles = () => (parsed ??= files.map((file) => ({ file, sf: ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true) })));

function scan(visit: (node: ts.Node, sf: ts.SourceFile, found: (n: ts.Node) => void) => void): TFinding[] {
  const out: TFinding[] = [];
  for (const { file, sf } of sourceFiles()) {
    const found = (n: ts.Node) =>
      out.push({ file: relative(root, file), line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, text: n.getText(sf).slice(0, 120) });
    const walk = (n: ts.Node): void => {
      visit(n, sf, found);
      ts.forEachChild(n, walk);
    };
    walk(sf);
  }
  return out;
}

/** `x.submission.<write>({ data: { status: ... } })` (also create/update of an upsert), or raw SQL that sets a status. */
function statusWrite(n: ts.Node, sf: ts.SourceFile, found: (n: ts.Node) => void): void {
  if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && WRITES.has(n.expression.name.text)) {
    const target = n.expression.expression;
    if (!(ts.isPropertyAccessExpression(target) && target.name.text === 'submission')) return;
    const arg = n.arguments[0];
    if (!arg || !ts.isObjectLiteralExpression(arg)) return found(n);
    for (const p of arg.properties) {
      if (!ts.isPropertyAssignment(p) || !['data', 'create', 'update'].includes(p.name.getText(sf))) continue;
      if (/\bstatus\b/.test(p.initializer.getText(sf))) found(n);
    }
  }
  if (ts.isTaggedTemplateExpression(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isStringLiteral(n)) {
    if (/update\s+"?submissions"?\s+set[^;]*\bstatus\b/i.test(n.getText(sf))) found(n);
  }
}

/** A comparison (<, <=, >, >=) with the pass mark on one side. */
function passMarkComparison(n: ts.Node, sf: ts.SourceFile, found: (n: ts.Node) => void): void {
  if (!ts.isBinaryExpression(n)) return;
  const op = n.operatorToken.kind;
  const compares = [
    ts.SyntaxKind.LessThanToken,
    ts.SyntaxKind.LessThanEqualsToken,
    ts.SyntaxKind.GreaterThanToken,
    ts.SyntaxKind.GreaterThanEqualsToken,
  ].includes(op);
  if (compares && /minTestAccuracy/.test(`${n.left.getText(sf)} ${n.right.getText(sf)}`)) found(n);
}

// Parsing the whole tree takes a few seconds on a busy machine.
describe('the lifecycle owns every status change', { timeout: 60_000 }, () => {
  it('has the same statuses as the database enum', () => {
    expect([...SUBMISSION_STATES].sort()).toEqual(Object.values(SubmissionStatus).sort());
  });

  it('scans the whole tree (sanity: it sees the API, the grader, the CLI and the lifecycle itself)', () => {
    const rel = files.map((f) => relative(root, f));
    for (const f of ['apps/api/src/submissions/submissions.controller.ts', 'apps/grader/src/grade-submission.ts', 'libs/cli/src/commands/grade.command.ts']) {
      expect(rel).toContain(f);
    }
    expect(scan(statusWrite).filter((w) => w.file.startsWith('libs/grading/src/lifecycle/')).length).toBeGreaterThan(0);
  });

  it('finds no status write outside libs/grading/src/lifecycle', () => {
    const outside = scan(statusWrite).filter((w) => !join(root, w.file).startsWith(lifecycleDir));
    expect(outside).toEqual([]);
  });

  it('finds the pass-mark comparison in decide() only', () => {
    expect(scan(passMarkComparison).map((c) => c.file)).toEqual(['libs/grading/src/lifecycle/decide.ts']);
  });
});
