import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const trainerRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bundleApp = fileURLToPath(new URL('../../../../../tools/bundle-app.mjs', import.meta.url));

describe("the native kernels' helper thread in a bundled app", () => {
  it('starts from the bundle: tools/bundle-app.mjs puts its script and the protocol beside it', () => {
    // inside the workspace, so that the bundle's packages (left out of it) resolve from node_modules as in an app
    mkdirSync(join(trainerRoot, 'dist'), { recursive: true });
    const dir = mkdtempSync(join(trainerRoot, 'dist', 'helper-bundle-'));
    try {
      execFileSync(process.execPath, [bundleApp, 'src/testing/bundled-helper-probe.ts', join(dir, 'main.js')], { cwd: trainerRoot });
      expect(readdirSync(dir)).toEqual(expect.arrayContaining(['main.js', 'native-helper-worker.mjs', 'thread-protocol.mjs']));
      const out = execFileSync(process.execPath, [join(dir, 'main.js')], { encoding: 'utf8', timeout: 50_000 });
      const probe = JSON.parse(out.trim().split('\n').pop() ?? '') as { helperChunks: number; failures: string[] };
      expect(probe.failures).toEqual([]);
      expect(probe.helperChunks, 'the helper thread ran chunks').toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
