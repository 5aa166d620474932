import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './paths';

/**
 * The Nx module-boundary tags must really restrict: lint imports that the architecture forbids, as if they were
 * written in the projects' sources, and expect the boundary rule to refuse them (and to allow the permitted ones).
 */
const root = repoRoot();
// The rule reads Nx's cached project graph and silently skips itself without one: make sure it exists.
execFileSync('npx', ['nx', 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
// The project's real config, with type-aware parsing switched off: the probes are virtual files that no tsconfig
// lists, and the boundary rule needs no types.
const projectConfig = ((await import(pathToFileURL(join(root, 'eslint.config.mjs')).href)) as { default: Linter.Config[] }).default;
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [...projectConfig, tseslint.configs.disableTypeChecked as Linter.Config] });

async function boundaryErrors(fromFile: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, fromFile) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it('forbids the web from importing the database library', async () => {
    const errors = await boundaryErrors(
      'apps/web/lib/probe-boundary.ts',
      "import { createPrismaClient } from '@epoch/db';\nexport const x = createPrismaClient;\n",
    );
    expect(errors.join('\n')).toMatch(/scope:web|tags/);
  });

  it('forbids shared utilities from importing server or grader code', async () => {
    const db = await boundaryErrors(
      'libs/model-spec/src/probe-boundary.ts',
      "import { createPrismaClient } from '@epoch/db';\nexport const x = createPrismaClient;\n",
    );
    expect(db.length).toBeGreaterThan(0);
    const trainer = await boundaryErrors('libs/contracts/src/probe-boundary.ts', "import * as t from '@epoch/trainer';\nexport const x = t;\n");
    expect(trainer.length).toBeGreaterThan(0);
  });

  it('forbids the API from importing the trainer, and allows what the design permits', async () => {
    expect((await boundaryErrors('apps/api/src/probe-boundary.ts', "import * as t from '@epoch/trainer';\nexport const x = t;\n")).length).toBeGreaterThan(0);
    expect(await boundaryErrors('apps/api/src/probe-boundary.ts', "import { ZModelSpec } from '@epoch/contracts';\nexport const x = ZModelSpec;\n")).toEqual(
      [],
    );
    expect(await boundaryErrors('apps/web/lib/probe-boundary.ts', "import { ZModelSpec } from '@epoch/contracts';\nexport const x = ZModelSpec;\n")).toEqual(
      [],
    );
  });
}, 120_000);
