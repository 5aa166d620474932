import { describe, expect, it } from 'vitest';
import { parseVariablesTable } from './config-table';
import { CONFIG_SCHEMAS, loadConfigSchema, readRepoFile, type AppName } from './support';

const DOC = 'docs/CONFIGURATION.md';
const HEADING = '## Application variables';

describe('the variables table parser', () => {
  const table = (rows: string) => `${HEADING}\n\nintro\n\n| variable | used by | default | meaning |\n|---|---|---|---|\n${rows}\n\nafter`;

  it('reads rows with their apps', () => {
    expect(parseVariablesTable(table('| `A_B` | api, cli | `1` | what it does |'), HEADING)).toEqual([
      { name: 'A_B', usedBy: ['api', 'cli'], defaultValue: '`1`', meaning: 'what it does', line: 7 },
    ]);
  });

  it('names the line of a malformed row', () => {
    expect(() => parseVariablesTable(table('| A_B | api | | x |'), HEADING)).toThrow(
      'line 7: the variable must be one upper-case name in backticks, got "A_B"',
    );
    expect(() => parseVariablesTable(table('| `A` | apii | | x |'), HEADING)).toThrow(
      'line 7: "used by" must list apps among api, grader, web, cli, got "apii"',
    );
    expect(() => parseVariablesTable(table('| `A` | api | | x |\n| `A` | web | | y |'), HEADING)).toThrow('line 8: A appears twice');
    expect(() => parseVariablesTable(table('| `A` | api | | |'), HEADING)).toThrow('line 7: A has no meaning');
    expect(() => parseVariablesTable('## Other\n', HEADING)).toThrow(`no "${HEADING}" heading`);
    expect(() => parseVariablesTable(`${HEADING}\n\n| name | apps |\n|---|---|\n`, HEADING)).toThrow(/line 3: the table header must be/);
  });
});

describe(`${DOC}: one table of every environment variable of every app`, () => {
  const rows = parseVariablesTable(readRepoFile(DOC), HEADING);

  for (const app of Object.keys(CONFIG_SCHEMAS) as AppName[]) {
    it(`lists exactly the variables of ${app}'s config schema (${CONFIG_SCHEMAS[app].file})`, async () => {
      const schema = await loadConfigSchema(app);
      const documented = rows.filter((r) => r.usedBy.includes(app)).map((r) => r.name);
      const missing = schema.keys.filter((k) => !documented.includes(k));
      const stale = documented.filter((k) => !schema.keys.includes(k));
      expect({ missingFromTable: missing, notReadBy: stale }).toEqual({ missingFromTable: [], notReadBy: [] });
    });
  }
});
