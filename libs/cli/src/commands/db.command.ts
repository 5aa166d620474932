import { join } from 'node:path';
import { applyMigrations, createMigration, createPrismaClient, resetDatabase } from '@epoch/db';
import type { TArtifactStore } from '@epoch/artifacts';
import { moveArtifactBytesToStore } from '@epoch/grading';
import { artifactStoreOf, loadCliEnv } from '../config';
import type { CommandIo } from '../io';
import { dataDir, repoRoot } from '../paths';
import { seedDemo, type SeedReport } from '../seed';
import { ensureServices, stopServices } from '../services';

function prismaPaths() {
  const root = repoRoot();
  return { migrationsDir: join(root, 'prisma/migrations'), schemaPath: join(root, 'prisma/schema.prisma'), exercisesDir: join(root, 'exercises') };
}

/**
 * Applies pending migrations, then moves artifact bytes still in Postgres (rows from before the artifact store) into
 * the store: part of migrating, since the rows' new columns were filled from those bytes. Idempotent; an interrupted
 * move carries on next time.
 */
export async function migrateDatabase(databaseUrl: string, store: TArtifactStore, log: (s: string) => void): Promise<string[]> {
  const applied = await applyMigrations({ databaseUrl, ...prismaPaths() });
  const prisma = createPrismaClient(databaseUrl);
  try {
    const moved = await moveArtifactBytesToStore({ prisma, artifacts: store }, { onProgress: (n) => log(`  moved ${n} artifacts into ${store.description}…`) });
    if (moved.moved > 0) log(`  moved ${moved.moved} artifacts (${(moved.bytes / 1e6).toFixed(1)} MB) out of Postgres into ${store.description}`);
  } finally {
    await prisma.$disconnect();
  }
  return applied;
}

export async function seedDatabase(databaseUrl: string): Promise<SeedReport> {
  const prisma = createPrismaClient(databaseUrl);
  try {
    return await seedDemo(prisma, { exercisesDir: prismaPaths().exercisesDir });
  } finally {
    await prisma.$disconnect();
  }
}

/** `./epoch db migrate [--create NAME] | seed | reset` against DATABASE_URL or Epoch's own Postgres. */
export async function runDbCommand(opts: { action: 'migrate' | 'seed' | 'reset'; create?: string }, io: CommandIo): Promise<number> {
  const env = loadCliEnv();
  const data = dataDir();
  const services = await ensureServices(env, data, io.err);
  try {
    const url = services.databaseUrl;
    switch (opts.action) {
      case 'migrate': {
        if (opts.create !== undefined) {
          if (!/^[a-z0-9_]{1,60}$/.test(opts.create)) {
            io.err('epoch db migrate --create: NAME must be lower-case letters, digits and underscores');
            return 2;
          }
          const created = await createMigration({ name: opts.create, databaseUrl: url, ...prismaPaths() });
          io.out(created ? `created ${created}` : 'the schema matches the migrations: nothing to create');
          return 0;
        }
        const applied = await migrateDatabase(url, artifactStoreOf(env, data), io.err);
        io.out(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database is up to date');
        return 0;
      }
      case 'seed': {
        const report = await seedDatabase(url);
        for (const line of report.content) io.out(`content ${line}`);
        io.out(
          `seeded the demo: course "${report.courseSlug}" (${report.steps} steps, ${report.exercises} exercises), ${report.accounts.length} demo accounts`,
        );
        return 0;
      }
      case 'reset': {
        await resetDatabase({ databaseUrl: url, ...prismaPaths() });
        const report = await seedDatabase(url);
        io.out(`database reset, migrated and seeded (${report.courseSlug})`);
        return 0;
      }
    }
  } finally {
    stopServices(data, services.started);
  }
}
