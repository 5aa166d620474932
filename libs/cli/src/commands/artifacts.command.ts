import { createPrismaClient } from '@epoch/db';
import { applyArtifactRetention } from '@epoch/grading';
import { artifactStoreOf, loadCliEnv } from '../config';
import type { CommandIo } from '../io';
import { dataDir } from '../paths';
import { ensureServices, stopServices } from '../services';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * `./epoch artifacts retention [--days N] [--dry-run]`: drops the weights of submissions that do not count once older
 * than N days (EPOCH_ARTIFACT_RETENTION_DAYS), then deletes the store's objects nothing refers to. Run it daily (a
 * cron job, or the Kubernetes CronJob in deploy/k8s).
 */
export async function runArtifactsRetention(opts: { days?: number; dryRun: boolean }, io: CommandIo): Promise<number> {
  const env = loadCliEnv();
  const data = dataDir();
  const store = artifactStoreOf(env, data);
  const services = await ensureServices(env, data, io.err);
  const prisma = createPrismaClient(services.databaseUrl);
  try {
    const days = opts.days ?? env.EPOCH_ARTIFACT_RETENTION_DAYS;
    const r = await applyArtifactRetention({ prisma, artifacts: store }, { keepDays: days, dryRun: opts.dryRun });
    const verb = r.dryRun ? 'would drop' : 'dropped';
    io.out(
      `artifacts retention (${store.description}, weights kept ${days} days unless they count): ${verb} ${r.weightsDropped} weights; ` +
        `${r.dryRun ? 'would delete' : 'deleted'} ${r.objectsDeleted} unreferenced objects (${mb(r.bytesFreed)})`,
    );
    return 0;
  } finally {
    await prisma.$disconnect();
    stopServices(data, services.started);
  }
}
