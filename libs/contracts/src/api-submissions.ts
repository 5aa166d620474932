import { z } from 'zod';
import { ZCheckResult } from './check-result';
import { ZDiagnostic } from './diagnostics';
import { ZRunKind } from './queues';
import { SUBMISSION_STATES } from './submission-status';

/**
 * Where a NUL character (U+0000) is in a text, as `line L, column C` (1-based), or null when there is none. Postgres
 * cannot store one in a text column, and no Python source needs it.
 */
export function nulCharacterAt(text: string): string | null {
  const i = text.indexOf('\u0000');
  if (i < 0) return null;
  const lineStart = text.lastIndexOf('\n', i) + 1;
  const line = text.slice(0, i).split('\n').length;
  return `line ${line}, column ${i - lineStart + 1}`;
}

export const ZSubmissionRequest = z
  .object({
    /** The course's slug, and the exercise's slug in it (exercise slugs are unique per course). */
    course: z.string().min(1).max(100),
    exercise: z.string().min(1).max(100),
    source: z.string().superRefine((source, ctx) => {
      const at = nulCharacterAt(source);
      if (at) ctx.addIssue({ code: 'custom', message: `the source contains a NUL character (U+0000) at ${at}; remove it` });
    }),
    /** A graded submission (counted against the quota), or a free practice run (a small subset, its own daily limit). */
    kind: z.enum(['GRADED', 'PRACTICE']).default('GRADED'),
  })
  .strict();
export type TSubmissionRequest = z.infer<typeof ZSubmissionRequest>;
/** POST /api/submissions/check takes the same body; `kind` does not change what is checked. */
export type TSubmissionRequestInput = z.input<typeof ZSubmissionRequest>;

/** Header `Idempotency-Key`: a retried POST with the same key returns the first submission instead of a new one. */
export const ZIdempotencyKey = z.string().regex(/^[A-Za-z0-9._:-]{8,200}$/, '8–200 letters, digits or . _ : -');

/** A submission's status as the API shows it: GRADED stands for PASSED/FAILED while the result is hidden (AFTER_DEADLINE). */
export const ZSubmissionStatus = z.enum([...SUBMISSION_STATES, 'GRADED']);
export type TSubmissionStatus = z.infer<typeof ZSubmissionStatus>;

export const ZSubmissionView = z.object({
  id: z.string(),
  /** The course's slug and the exercise's slug in it. */
  course: z.string(),
  exercise: z.string(),
  userId: z.string(),
  /** Graded (counted, decided), practice (free, validation metrics only) or calibration. */
  kind: ZRunKind,
  status: ZSubmissionStatus,
  late: z.boolean(),
  infraError: z.boolean(),
  policyVersion: z.number().int(),
  diagnostics: z.array(ZDiagnostic),
  errorMessage: z.string().nullable(),
  createdAt: z.string(),
  queuedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type TSubmissionView = z.infer<typeof ZSubmissionView>;

/**
 * GET /api/submissions: one line of a history, without diagnostics or source, so a list stays small whatever was
 * submitted (the diagnostics are on the submission itself, GET /api/submissions/:id).
 */
export const ZSubmissionSummary = ZSubmissionView.omit({ diagnostics: true });
export type TSubmissionSummary = z.infer<typeof ZSubmissionSummary>;

/** POST /api/submissions: the stored submission and, for a fresh one, the instant check's answer. */
export const ZSubmissionCreated = ZSubmissionView.extend({ check: ZCheckResult.nullable() });
export type TSubmissionCreated = z.infer<typeof ZSubmissionCreated>;

/** GET /api/submissions/:id (owner and course staff): with the source and whose it is (staff see other people's). */
export const ZSubmissionDetail = ZSubmissionView.extend({ source: z.string(), owner: z.object({ name: z.string(), email: z.string() }) });
export type TSubmissionDetail = z.infer<typeof ZSubmissionDetail>;

/** POST /api/submissions/check: only checks (nothing stored, no quota). */
export const ZCheckResponse = z.object({ check: ZCheckResult, diagnostics: z.array(ZDiagnostic) });
export type TCheckResponse = z.infer<typeof ZCheckResponse>;

/** `?course=&exercise=`: one exercise of one course (the exercise needs the course). */
export const ZSubmissionListQuery = z.object({
  course: z.string().min(1).max(100).optional(),
  exercise: z.string().min(1).max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type TSubmissionListQuery = z.infer<typeof ZSubmissionListQuery>;
