import type { AppName } from './support';

export interface VariableRow {
  name: string;
  usedBy: AppName[];
  defaultValue: string;
  meaning: string;
  line: number;
}

const APPS: readonly AppName[] = ['api', 'grader', 'web', 'cli'];

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
}

/**
 * The first markdown table under `heading` (`| variable | used by | default | meaning |`), one row per variable.
 * Anything malformed is an error naming the line, so a broken table never passes as an empty one.
 */
export function parseVariablesTable(markdown: string, heading: string): VariableRow[] {
  const lines = markdown.split('\n');
  const at = lines.findIndex((l) => l.trim() === heading);
  if (at < 0) throw new Error(`no "${heading}" heading`);
  let i = at + 1;
  while (i < lines.length && !lines[i]!.trim().startsWith('|')) {
    if (/^#{1,6} /.test(lines[i]!)) throw new Error(`"${heading}" has no table before the next heading (line ${i + 1})`);
    i += 1;
  }
  const header = cells(lines[i] ?? '').map((c) => c.toLowerCase());
  if (header.join('|') !== 'variable|used by|default|meaning')
    throw new Error(`line ${i + 1}: the table header must be | variable | used by | default | meaning |, got | ${header.join(' | ')} |`);
  i += 2; // header and separator
  const rows: VariableRow[] = [];
  for (; i < lines.length && lines[i]!.trim().startsWith('|'); i += 1) {
    const line = i + 1;
    const [name = '', usedBy = '', defaultValue = '', meaning = '', ...rest] = cells(lines[i]!);
    if (rest.length > 0) throw new Error(`line ${line}: expected 4 cells, got ${4 + rest.length}`);
    const m = /^`([A-Z][A-Z0-9_]*)`$/.exec(name);
    if (!m) throw new Error(`line ${line}: the variable must be one upper-case name in backticks, got "${name}"`);
    const apps = usedBy
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    const unknown = apps.filter((a) => !(APPS as readonly string[]).includes(a));
    if (apps.length === 0 || unknown.length > 0) throw new Error(`line ${line}: "used by" must list apps among ${APPS.join(', ')}, got "${usedBy}"`);
    if (meaning === '') throw new Error(`line ${line}: ${m[1]} has no meaning`);
    if (rows.some((r) => r.name === m[1])) throw new Error(`line ${line}: ${m[1]} appears twice`);
    rows.push({ name: m[1]!, usedBy: apps as AppName[], defaultValue, meaning, line });
  }
  return rows;
}
