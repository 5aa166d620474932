import { Prisma } from '@epoch/db';
import type { TDb } from '../lifecycle/lifecycle';

/**
 * The artifact rows' own queries beyond grading itself (which writes them through the lifecycle): reading one, the
 * retention's choice of expired weights, the store's clean-up and the move of pre-store bytes out of Postgres.
 */

/** One artifact row of a submission (with its pre-store bytes, if it still has them). */
export async function findArtifact(db: TDb, submissionId: string, name: string) {
  return db.artifact.findUnique({ where: { submissionId_name: { submissionId, name } } });
}

/**
 * Weights rows older than `cutoff` of submissions that do not count: for each student and exercise, the latest graded
 * submission and the best one (highest test accuracy) count; every other one's weights expire.
 */
export async function expiredWeights(db: TDb, cutoff: Date): Promise<{ id: string; storageKey: string; size: number }[]> {
  return db.$queryRaw<{ id: string; storageKey: string; size: number }[]>(Prisma.sql`
    SELECT a."id", a."storageKey", a."size"
    FROM "artifacts" a
    WHERE a."kind" = 'WEIGHTS' AND a."createdAt" < ${cutoff}
      AND a."submissionId" NOT IN (
        SELECT ranked."id" FROM (
          SELECT s."id",
            row_number() OVER (PARTITION BY s."userId", s."exerciseId" ORDER BY s."createdAt" DESC, s."id" DESC) AS latest,
            row_number() OVER (PARTITION BY s."userId", s."exerciseId" ORDER BY r."testAccuracy" DESC, s."createdAt" DESC, s."id" DESC) AS best
          FROM "submissions" s JOIN "results" r ON r."submissionId" = s."id"
          WHERE s."status" IN ('PASSED', 'FAILED')
        ) ranked
        WHERE ranked.latest = 1 OR ranked.best = 1
      )`);
}

export async function deleteArtifactRows(db: TDb, ids: string[]): Promise<number> {
  return (await db.artifact.deleteMany({ where: { id: { in: ids } } })).count;
}

/** Which of these store keys some artifact row (other than the `ignoring` ones) still refers to. */
export async function referencedKeys(db: TDb, keys: string[], ignoring: string[] = []): Promise<Set<string>> {
  const rows = await db.artifact.findMany({
    where: { storageKey: { in: keys }, ...(ignoring.length > 0 ? { id: { notIn: ignoring } } : {}) },
    select: { storageKey: true },
    distinct: ['storageKey'],
  });
  return new Set(rows.map((r) => r.storageKey));
}

/** Rows that still hold their bytes in Postgres (written before the artifact store), a batch at a time. */
export async function rowsWithBytes(db: TDb, take: number): Promise<{ id: string; storageKey: string; sha256: string; bytes: Uint8Array }[]> {
  const rows = await db.artifact.findMany({ where: { bytes: { not: null } }, select: { id: true, storageKey: true, sha256: true, bytes: true }, take });
  return rows.flatMap((r) => (r.bytes ? [{ ...r, bytes: r.bytes }] : []));
}

/** The row's bytes are in the store now: Postgres forgets them. */
export async function forgetBytes(db: TDb, id: string): Promise<void> {
  await db.artifact.updateMany({ where: { id }, data: { bytes: null } });
}
