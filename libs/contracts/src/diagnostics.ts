import { z } from 'zod';

/**
 * A message about a student's source, with a 1-based position. `code` is a stable machine-readable id
 * (e.g. `syntax-error`, `unknown-layer`) so the web editor and tests can match on it rather than on wording.
 */
export const ZDiagnosticSeverity = z.enum(['error', 'warning', 'info']);
export type TDiagnosticSeverity = z.infer<typeof ZDiagnosticSeverity>;

export const ZDiagnostic = z.object({
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  endLine: z.number().int().min(1).optional(),
  endColumn: z.number().int().min(1).optional(),
  message: z.string().min(1),
  severity: ZDiagnosticSeverity,
  code: z.string().min(1),
});
export type TDiagnostic = z.infer<typeof ZDiagnostic>;

/** At most this many diagnostics are kept, stored and shown for one source (then one counting the rest). */
export const MAX_DIAGNOSTICS = 100;
