import type { TArtifactStore } from '@epoch/artifacts';
import type { TDb } from '../lifecycle/lifecycle';
import { deleteArtifactRows, expiredWeights, referencedKeys } from '../repositories/artifacts.repository';

export interface TRetentionReport {
  /** Weights rows dropped (of submissions that do not count, older than the retention). */
  weightsDropped: number;
  /** Objects removed from the store because no row refers to them any more, and their bytes. */
  objectsDeleted: number;
  bytesFreed: number;
  dryRun: boolean;
}

/**
 * Applies the artifact retention: the trained weights of submissions that do not count (each student's latest and best
 * graded submission per exercise do) are dropped once older than `keepDays`; then every object of the store that no
 * artifact row refers to is deleted, once older than `graceMs` (a grader may have stored it a moment ago and not yet
 * committed its row). Plots stay: they are small and the results pages show them. `dryRun` only counts.
 */
export async function applyArtifactRetention(
  deps: { prisma: TDb; artifacts: TArtifactStore },
  opts: { keepDays: number; now?: Date; graceMs?: number; dryRun?: boolean },
): Promise<TRetentionReport> {
  const now = opts.now ?? new Date();
  const dryRun = opts.dryRun ?? false;
  const expired = await expiredWeights(deps.prisma, new Date(now.getTime() - opts.keepDays * 86_400_000));
  if (!dryRun && expired.length > 0)
    await deleteArtifactRows(
      deps.prisma,
      expired.map((e) => e.id),
    );
  // In a dry run the expired rows are still there: ignore them, to count what dropping them would free.
  const ignoring = dryRun ? expired.map((e) => e.id) : [];

  const graceMs = opts.graceMs ?? 3_600_000;
  let objectsDeleted = 0;
  let bytesFreed = 0;
  let batch: { key: string; size: number; modifiedAt: Date }[] = [];
  const sweep = async () => {
    const live = await referencedKeys(
      deps.prisma,
      batch.map((o) => o.key),
      ignoring,
    );
    for (const o of batch) {
      if (live.has(o.key) || now.getTime() - o.modifiedAt.getTime() < graceMs) continue;
      if (!dryRun) await deps.artifacts.delete(o.key);
      objectsDeleted++;
      bytesFreed += o.size;
    }
    batch = [];
  };
  for await (const o of deps.artifacts.list()) {
    batch.push(o);
    if (batch.length >= 500) await sweep();
  }
  if (batch.length > 0) await sweep();
  return { weightsDropped: expired.length, objectsDeleted, bytesFreed, dryRun };
}
