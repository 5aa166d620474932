import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConflictError, DomainError, InvalidError, type TContentSyncReport } from '@epoch/contracts';
import { writeAudit, type EpochPrismaClient, type Prisma } from '@epoch/db';
import { CONTENT_LIMITS } from '../limits';
import { ContentError, loadCourseContent, type TLoadedCourse } from '../load-content';
import * as repo from '../repositories/course-content.repository';
import { extractArchive } from '../source/archive';
import { cloneGit, type TGitAccess } from '../source/git';
import { SourceError } from '../source/source-error';
import { checkTree, findCourseDirs } from '../source/tree';
import { applyCourse, RollBack } from './apply-course';

/** Where a course's content comes from. */
export type TContentSource =
  { kind: 'DIRECTORY'; path: string } | { kind: 'ARCHIVE'; name: string; bytes: Buffer } | { kind: 'GIT'; url: string; ref?: string };

export interface TSyncOptions {
  /** Who syncs in the web app (null: the command line or the seed). */
  actorId: string | null;
  /** How: `web`, `cli (<user>@<host>)`, `seed` (kept with the sync). */
  via: string;
  /** The course to write into: with one course in the source, its content goes there; with several, the one of that slug. */
  courseSlug?: string;
  /** Validate and report without writing anything. */
  dryRun: boolean;
  /** Apply the files' policy even over an admin's edit in the web app (the report says so). */
  overwriteEditedPolicies?: boolean;
  /** Refuse unless the source is still at this revision (the one a preview showed). */
  expectRevision?: string;
  /** Create a course that does not exist yet (the CLI and the seed; the web syncs into an existing course). */
  allowCreate: boolean;
  /** How git repositories are reached. */
  git?: TGitAccess;
}

/**
 * `./epoch content sync`, the web's content page and the demo seed: reads the source (a folder, an uploaded archive, a
 * git repository), validates every course in it before anything is written, and applies each course in one
 * transaction (a dry run does the same and rolls it back, so its report is exactly what applying would do, re-decided
 * results included). Bad content is an InvalidError naming the file, line and field; a hostile or oversized source is
 * refused the same way (too large: `too_large`); nothing is half-applied.
 */
export async function syncContent(db: EpochPrismaClient, source: TContentSource, opts: TSyncOptions): Promise<TContentSyncReport[]> {
  const work = await mkdtemp(path.join(tmpdir(), 'epoch-content-'));
  try {
    const opened = await openSource(source, work, opts.git ?? {});
    if (opts.expectRevision !== undefined && opts.expectRevision !== opened.revision) {
      throw new ConflictError(
        'content_changed',
        `the content changed since the preview (it showed revision ${short(opts.expectRevision)}, now ${short(opened.revision)}): preview it again`,
      );
    }
    const courses = await loadCourses(opened, opts.courseSlug);
    const reports: TContentSyncReport[] = [];
    for (const { loaded, revision } of courses) {
      const courseSlug = opts.courseSlug ?? loaded.course.slug;
      const reportSource = { kind: source.kind, source: opened.label, revision: revision ?? opened.revision };
      reports.push(await syncOne(db, loaded, { ...opts, courseSlug, source: reportSource }));
    }
    return reports;
  } catch (e) {
    throw asDomainError(e);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const short = (revision: string) => (revision.length > 12 ? revision.slice(0, 12) : revision);

interface TOpened {
  root: string;
  label: string;
  revision: string;
  /** Each course folder's own revision (folders: the sha256 of its files), when it differs from the source's. */
  perCourse: boolean;
}

async function openSource(source: TContentSource, work: string, git: TGitAccess): Promise<TOpened> {
  switch (source.kind) {
    case 'DIRECTORY': {
      const root = path.resolve(source.path);
      const { sha256 } = await checkTree(root).catch((e: unknown) => {
        if (e instanceof SourceError) throw e;
        throw new SourceError(`cannot read the folder ${source.path} (${e instanceof Error ? e.message : String(e)})`);
      });
      return { root, label: source.path, revision: sha256, perCourse: true };
    }
    case 'ARCHIVE': {
      const root = path.join(work, 'archive');
      await extractArchive(source.bytes, root);
      await checkTree(root);
      return { root, label: source.name, revision: createHash('sha256').update(source.bytes).digest('hex'), perCourse: false };
    }
    case 'GIT': {
      const root = path.join(work, 'clone');
      const commit = await cloneGit(source.url, source.ref, root, git);
      await checkTree(root);
      return { root, label: source.ref ? `${source.url}#${source.ref}` : source.url, revision: commit, perCourse: false };
    }
  }
}

/** Every course of the source (or the one asked for), loaded and checked before anything is written. */
async function loadCourses(opened: TOpened, courseSlug: string | undefined): Promise<{ loaded: TLoadedCourse; revision: string | null }[]> {
  let dirs = await findCourseDirs(opened.root);
  if (dirs.length === 0) throw new SourceError(`no course found in ${opened.label}: a course folder holds a course.yaml (see docs/COURSE-FORMAT.md)`);
  // Paths in messages start at the folder given (its name included when it is the course itself: `my-course/course.yaml`).
  const shownFrom = dirs.length === 1 && dirs[0] === opened.root ? path.dirname(opened.root) : opened.root;
  if (courseSlug !== undefined && dirs.length > 1) {
    const byName = dirs.filter((d) => path.basename(d) === courseSlug);
    if (byName.length === 1) dirs = byName;
  }
  const out: { loaded: TLoadedCourse; revision: string | null }[] = [];
  for (const dir of dirs) {
    const loaded = await loadCourseContent(dir, { shownFrom });
    out.push({ loaded, revision: opened.perCourse && dirs.length > 1 ? (await checkTree(dir)).sha256 : null });
  }
  if (courseSlug !== undefined && out.length > 1) {
    const match = out.filter((c) => c.loaded.course.slug === courseSlug);
    if (match.length !== 1) {
      throw new SourceError(`${opened.label} holds ${out.length} courses (${out.map((c) => c.loaded.course.slug).join(', ')}); none is "${courseSlug}"`);
    }
    return match;
  }
  return out;
}

async function syncOne(
  db: EpochPrismaClient,
  loaded: TLoadedCourse,
  opts: TSyncOptions & { courseSlug: string; source: TContentSyncReport['source'] },
): Promise<TContentSyncReport> {
  try {
    return await db.$transaction(
      async (tx) => {
        const { report, courseId, stepVersions } = await applyCourse(tx, loaded, {
          actorId: opts.actorId,
          courseSlug: opts.courseSlug,
          allowCreate: opts.allowCreate,
          overwriteEditedPolicies: opts.overwriteEditedPolicies ?? false,
          source: opts.source,
        });
        if (opts.dryRun || report.unchanged) throw new RollBack({ ...report, dryRun: opts.dryRun, syncId: null });
        const sync = await repo.insertSync(tx, {
          courseId,
          actorId: opts.actorId,
          via: opts.via,
          sourceKind: opts.source.kind,
          source: opts.source.source,
          revision: opts.source.revision,
          summary: {},
        });
        await repo.linkStepVersions(tx, stepVersions, sync.id);
        const final = { ...report, syncId: sync.id };
        await repo.setSyncSummary(tx, sync.id, { ...final, summaryLine: summaryLine(final) } as unknown as Prisma.InputJsonValue);
        await writeAudit(tx, {
          actorId: opts.actorId,
          action: 'content.sync',
          entityType: 'Course',
          entityId: courseId,
          data: {
            syncId: sync.id,
            via: opts.via,
            kind: opts.source.kind,
            source: opts.source.source,
            revision: opts.source.revision,
            summary: summaryLine(final),
          },
        });
        return final;
      },
      { timeout: 120_000, maxWait: 15_000 },
    );
  } catch (e) {
    if (e instanceof RollBack) return e.report;
    throw e;
  }
}

/** One line for lists and the audit log: `2 steps added, 1 changed; policy of model3 kept (edited in the web app)`. */
export function summaryLine(r: TContentSyncReport): string {
  if (r.unchanged) return 'no change';
  const parts: string[] = [];
  if (r.course.created) parts.push('course created');
  if (r.course.changed.length) parts.push(`course ${r.course.changed.join(', ')} changed`);
  const group = (name: string, g: { added: unknown[]; changed: unknown[]; removed: unknown[] }) => {
    const bits = [
      g.added.length && `${g.added.length} added`,
      g.changed.length && `${g.changed.length} changed`,
      g.removed.length && `${g.removed.length} removed`,
    ].filter(Boolean);
    if (bits.length) parts.push(`${name}: ${bits.join(', ')}`);
  };
  group('lessons', r.lessons);
  group('steps', r.steps);
  group('exercises', r.exercises);
  group('files', r.assets);
  const policies = r.policies.filter((p) => p.action !== 'created');
  if (policies.length) parts.push(`policies: ${policies.map((p) => `${p.exercise} ${p.action}`).join(', ')}`);
  return parts.join('; ');
}

function asDomainError(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  if (e instanceof SourceError) {
    return e.tooLarge
      ? new DomainError('too_large', 'content_too_large', e.message, [{ path: 'content', message: e.message }])
      : new InvalidError(e.message, [{ path: 'content', message: e.message }], 'invalid_content_source');
  }
  if (e instanceof ContentError) {
    const lines = e.message.split('\n');
    return new InvalidError(
      lines.length > 1 ? `the course content has ${lines.length} errors; nothing was changed` : `${lines[0]}`,
      lines.map((l) => ({ path: e.shownFile, message: l.startsWith(`${e.shownFile}: `) ? l.slice(e.shownFile.length + 2) : l })),
      'invalid_content',
    );
  }
  return e;
}

export { CONTENT_LIMITS };
