import { z } from 'zod';
import { ZPolicyValue } from './api-exercises';

/** A content sync's report: what it changes (a dry run) or changed, shown before anything is applied. */

const ZRef = z.object({ slug: z.string(), title: z.string() });
const ZFieldNames = z.array(z.string());

export const ZContentSourceKind = z.enum(['DIRECTORY', 'ARCHIVE', 'GIT']);
export type TContentSourceKind = z.infer<typeof ZContentSourceKind>;

/**
 * What happens to an exercise's live grading policy: `created` (a new exercise), `applied` (the files changed it and
 * nobody had edited it in the web app), `kept-edited` (an admin edited it in the web app: the files' changes are not
 * applied), `overwrote-edited` (the same, applied anyway because the sync was told to overwrite edited policies).
 */
export const ZPolicySyncAction = z.enum(['created', 'applied', 'kept-edited', 'overwrote-edited']);
export type TPolicySyncAction = z.infer<typeof ZPolicySyncAction>;

export const ZPolicySyncItem = z.object({
  exercise: z.string(),
  action: ZPolicySyncAction,
  /** The fields the course files change (old: the value in force now, new: the files' value). */
  changes: z.array(z.object({ field: z.string(), old: ZPolicyValue, new: ZPolicyValue })),
  /** The web edit that made the live policy differ from the files (kept-edited, overwrote-edited). */
  editedBy: z.object({ name: z.string(), email: z.string(), at: z.string(), version: z.number().int() }).nullable(),
  /** Stored results whose verdict the new pass mark changes (re-decided without retraining). */
  redecided: z.object({ passedToFailed: z.number().int(), failedToPassed: z.number().int() }),
});
export type TPolicySyncItem = z.infer<typeof ZPolicySyncItem>;

export const ZContentSyncReport = z.object({
  dryRun: z.boolean(),
  /** The applied sync (null for a dry run or when nothing changed). */
  syncId: z.string().nullable(),
  source: z.object({ kind: ZContentSourceKind, source: z.string(), revision: z.string() }),
  course: z.object({ slug: z.string(), title: z.string(), created: z.boolean(), changed: ZFieldNames }),
  lessons: z.object({ added: z.array(ZRef), changed: z.array(ZRef.extend({ fields: ZFieldNames })), removed: z.array(ZRef) }),
  steps: z.object({
    added: z.array(ZRef.extend({ lesson: z.string() })),
    /** `version`: the step's version after the sync (a title or body change makes a new one; the old stays readable). */
    changed: z.array(ZRef.extend({ lesson: z.string(), fields: ZFieldNames, version: z.number().int() })),
    removed: z.array(ZRef.extend({ lesson: z.string() })),
  }),
  exercises: z.object({
    added: z.array(ZRef),
    changed: z.array(ZRef.extend({ fields: ZFieldNames })),
    /** Removed exercises are archived: no new submissions, their submissions and results stay readable. */
    removed: z.array(ZRef.extend({ submissions: z.number().int() })),
  }),
  policies: z.array(ZPolicySyncItem),
  assets: z.object({ added: z.array(z.string()), changed: z.array(z.string()), removed: z.array(z.string()) }),
  /** Nothing in the database would change. */
  unchanged: z.boolean(),
});
export type TContentSyncReport = z.infer<typeof ZContentSyncReport>;

/** POST /api/courses/:slug/content/git (staff): pull the course's configured repository, preview or apply. */
export const ZGitSyncRequest = z
  .object({
    dryRun: z.boolean().default(true),
    /** Apply only if the repository is still at this commit (the one the preview showed). */
    expectRevision: z.string().max(200).optional(),
    overwriteEditedPolicies: z.boolean().default(false),
  })
  .strict();
export type TGitSyncRequest = z.infer<typeof ZGitSyncRequest>;

/** Query of POST /api/courses/:slug/content/archive (the body is the .zip or .tar.gz itself). */
export const ZArchiveSyncQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Apply only if the archive is the one the preview showed (its sha256). */
  expectRevision: z.string().max(200).optional(),
  overwriteEditedPolicies: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** The uploaded file's name, kept with the sync. */
  filename: z.string().max(200).optional(),
});
export type TArchiveSyncQuery = z.infer<typeof ZArchiveSyncQuery>;

/** PUT /api/courses/:slug/content/source (staff): the git repository the course is pulled from. */
export const ZContentSourceRequest = z
  .object({
    gitUrl: z.string().trim().max(500).nullable(),
    gitRef: z
      .string()
      .trim()
      .max(200)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'a branch, tag or commit name')
      .nullable(),
  })
  .strict();
export type TContentSourceRequest = z.infer<typeof ZContentSourceRequest>;

/** GET /api/courses/:slug/content (staff): where the content comes from and the syncs so far, newest first. */
export const ZContentStatus = z.object({
  courseSlug: z.string(),
  gitUrl: z.string().nullable(),
  gitRef: z.string().nullable(),
  /** The public half of the server's deploy key, to add to the repository as a read-only deploy key (null: none configured). */
  deployKey: z.string().nullable(),
  maxArchiveBytes: z.number().int(),
  syncs: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      by: z.object({ name: z.string(), email: z.string() }).nullable(),
      kind: ZContentSourceKind,
      source: z.string(),
      revision: z.string(),
      summary: z.string(),
    }),
  ),
});
export type TContentStatus = z.infer<typeof ZContentStatus>;
