import type { TArtifactStore } from '@epoch/artifacts';
import type { TDb } from '../lifecycle/lifecycle';
import { forgetBytes, rowsWithBytes } from '../repositories/artifacts.repository';

/**
 * Moves the bytes of artifact rows written before the artifact store out of Postgres: each is written to the store
 * (its key was computed from the same bytes by the migration), checked, and only then set to NULL in its row, so an
 * interruption loses nothing and a second run carries on. Returns how many rows and bytes were moved.
 */
export async function moveArtifactBytesToStore(
  deps: { prisma: TDb; artifacts: TArtifactStore },
  opts: { batch?: number; onProgress?: (moved: number) => void } = {},
): Promise<{ moved: number; bytes: number }> {
  let moved = 0;
  let bytes = 0;
  for (;;) {
    const rows = await rowsWithBytes(deps.prisma, opts.batch ?? 50);
    if (rows.length === 0) return { moved, bytes };
    for (const row of rows) {
      const stored = await deps.artifacts.put(row.bytes);
      if (stored.key !== row.storageKey) {
        throw new Error(`artifact ${row.id}: its bytes hash to ${stored.sha256}, not to the stored ${row.sha256}; left in Postgres`);
      }
      await forgetBytes(deps.prisma, row.id);
      moved++;
      bytes += stored.size;
    }
    opts.onProgress?.(moved);
  }
}
