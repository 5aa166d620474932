import { ArtifactMissingError, type TArtifactStore } from '@epoch/artifacts';
import { DomainError } from '@epoch/contracts';
import type { TDb } from '../lifecycle/lifecycle';
import { findArtifact } from '../repositories/artifacts.repository';

/**
 * A submission's artifact (a plot, its data, the weights) with its content: from the artifact store, or from Postgres
 * for a row written before the store whose bytes were not moved yet. `etag` is the content's hash: immutable.
 */
export async function artifactContent(
  deps: { prisma: TDb; artifacts: TArtifactStore },
  submissionId: string,
  name: string,
): Promise<{ contentType: string; etag: string; bytes: () => Promise<Buffer> }> {
  const a = await findArtifact(deps.prisma, submissionId, name);
  if (!a) throw new DomainError('not_found', 'not_found', `no artifact "${name}" for submission ${submissionId}`);
  const legacy = a.bytes;
  return {
    contentType: a.contentType,
    etag: `"${a.sha256}"`,
    bytes: async () => {
      if (legacy) return Buffer.from(legacy);
      try {
        return await deps.artifacts.get(a.storageKey);
      } catch (e) {
        if (e instanceof ArtifactMissingError) {
          throw new DomainError(
            'not_found',
            'artifact_missing',
            `the content of "${name}" is no longer stored (${a.kind === 'WEIGHTS' ? 'weights are kept for a limited time' : 'it was removed'})`,
          );
        }
        throw e;
      }
    },
  };
}
