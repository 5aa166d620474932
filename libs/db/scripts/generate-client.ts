// `npm run generate -w @epoch/db`: generates the Prisma client into libs/db/src/generated without network access.
// Prisma's CLI wants its native schema engine at start-up even though `generate` never uses it (Prisma 7's client is
// engine-free); pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file stops it from trying to download one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const schemaPath = join(repoRoot, 'prisma/schema.prisma');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

if (!existsSync(schemaPath)) {
  process.stderr.write(`generate: no Prisma schema at ${schemaPath}\n`);
  process.exit(1);
}

const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schemaPath], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ?? process.execPath,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
if (result.error) {
  process.stderr.write(`generate: could not run the Prisma CLI (${prismaCli}): ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);
