import { InvalidError, type TContentSourceRequest, type TContentStatus } from '@epoch/contracts';
import { inTransaction, writeAudit, type TDb } from '@epoch/db';
import { CONTENT_LIMITS } from '../limits';
import { recentSyncs, setCourseGitSource, courseGitSource } from '../repositories/course-content.repository';
import { checkGitSource, type TGitAccess } from '../source/git';
import { SourceError } from '../source/source-error';

/** Where a course's content comes from and its syncs so far, newest first (the course's staff). */
export async function contentStatus(db: TDb, courseId: string, courseSlug: string, deployKey: string | null): Promise<TContentStatus> {
  const [source, syncs] = await Promise.all([courseGitSource(db, courseId), recentSyncs(db, courseId, 20)]);
  return {
    courseSlug,
    gitUrl: source?.contentGitUrl ?? null,
    gitRef: source?.contentGitRef ?? null,
    deployKey,
    maxArchiveBytes: CONTENT_LIMITS.maxArchiveBytes,
    syncs: syncs.map((s) => ({
      id: s.id,
      at: s.createdAt.toISOString(),
      by: s.actor ? { name: s.actor.name, email: s.actor.email } : null,
      kind: s.sourceKind,
      source: s.via === 'web' ? s.source : `${s.source} (${s.via})`,
      revision: s.revision,
      summary: summaryOf(s.summary),
    })),
  };
}

function summaryOf(summary: unknown): string {
  const line = summary && typeof summary === 'object' && 'summaryLine' in summary ? (summary as { summaryLine: unknown }).summaryLine : null;
  return typeof line === 'string' ? line : '';
}

/** Sets (or clears, with null) the git repository a course's content is pulled from; audited. */
export async function setContentSource(db: TDb, actorId: string, courseId: string, input: TContentSourceRequest, access: TGitAccess): Promise<void> {
  const url = input.gitUrl?.trim() || null;
  const ref = input.gitRef?.trim() || null;
  if (url) {
    try {
      checkGitSource(url, ref ?? undefined, access);
    } catch (e) {
      if (e instanceof SourceError) throw new InvalidError(e.message, [{ path: /branch|ref/.test(e.message) ? 'gitRef' : 'gitUrl', message: e.message }]);
      throw e;
    }
  }
  await inTransaction(db, async (tx) => {
    await setCourseGitSource(tx, courseId, url, url ? ref : null);
    await writeAudit(tx, { actorId, action: 'course.content-source', entityType: 'Course', entityId: courseId, data: { gitUrl: url, gitRef: ref } });
  });
}
