import type { EpochPrismaClient } from '@epoch/db';
import type { TGradingPolicy } from '@epoch/contracts';
import type { TBackendName } from '@epoch/trainer';

/** Backends whose numbers agree: both native TensorFlow builds are one family; wasm and cpu are their own. */
export function backendFamily(name: string): string {
  return name === 'node' || name === 'node-gpu' ? 'tensorflow' : name;
}

/**
 * Reuses the result of an earlier graded submission with the same specHash (canonical ModelSpec + training-relevant
 * policy) trained on the same backend family, when the policy allows it: the result, epochs and artifacts are copied,
 * PASSED/FAILED is decided against the current threshold, and `reusedFromId` labels it as reused. Returns the status,
 * or null when there is nothing to reuse (or the submission is no longer this attempt's).
 */
export async function reuseEarlierResult(
  prisma: EpochPrismaClient,
  s: { id: string; specHash: string | null; attempt: number; queueWaitMs: number },
  policy: TGradingPolicy,
  backend: TBackendName,
): Promise<{ status: 'PASSED' | 'FAILED'; reusedFromId: string; testAccuracy: number } | null> {
  if (!policy.reuseCachedResults || !s.specHash) return null;
  const family = backendFamily(backend);
  const candidates = await prisma.submission.findMany({
    where: { specHash: s.specHash, id: { not: s.id }, status: { in: ['PASSED', 'FAILED'] }, result: { isNot: null }, reusedFromId: null },
    include: { result: true },
    orderBy: { finishedAt: 'desc' },
    take: 20,
  });
  const source = candidates.find((c) => c.result && backendFamily(c.result.backend) === family);
  if (!source?.result) return null;
  const r = source.result;
  const passed = r.testAccuracy >= policy.minTestAccuracy;
  const status = passed ? 'PASSED' : 'FAILED';
  const done = await prisma.$transaction(
    async (tx) => {
      const owned = await tx.submission.updateMany({
        where: { id: s.id, status: 'RUNNING', attemptCount: s.attempt },
        data: {
          status,
          reusedFromId: source.id,
          finishedAt: new Date(),
          infraError: false,
          errorMessage: passed
            ? null
            : `Test accuracy ${(100 * r.testAccuracy).toFixed(1)}% is below the required ${(100 * policy.minTestAccuracy).toFixed(1)}% (result reused from an identical earlier submission).`,
        },
      });
      if (owned.count !== 1) return false;
      const { id: _id, submissionId: _sid, createdAt: _c, ...copy } = r;
      await tx.result.create({
        data: {
          ...copy,
          submissionId: s.id,
          queueWaitMs: s.queueWaitMs,
          trainingMs: 0,
          evaluationMs: 0,
          perClassAccuracy: copy.perClassAccuracy ?? [],
          confusionMatrix: copy.confusionMatrix ?? [],
          history: copy.history ?? [],
          backendVersions: copy.backendVersions ?? {},
        },
      });
      const epochs = await tx.epochMetric.findMany({ where: { submissionId: source.id, attempt: source.attemptCount } });
      if (epochs.length) {
        await tx.epochMetric.createMany({
          data: epochs.map((e) => ({
            submissionId: s.id,
            attempt: s.attempt,
            epoch: e.epoch,
            loss: e.loss,
            accuracy: e.accuracy,
            valLoss: e.valLoss,
            valAccuracy: e.valAccuracy,
            seconds: e.seconds,
          })),
          skipDuplicates: true,
        });
      }
      const artifacts = await tx.artifact.findMany({ where: { submissionId: source.id } });
      await tx.artifact.createMany({
        data: artifacts.map((a) => ({ submissionId: s.id, kind: a.kind, name: a.name, contentType: a.contentType, bytes: a.bytes })),
      });
      return true;
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  return done ? { status, reusedFromId: source.id, testAccuracy: r.testAccuracy } : null;
}
