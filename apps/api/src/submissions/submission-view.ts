import type { Exercise, Submission } from '@epoch/db';
import { ZDiagnostic, type TDiagnostic, type TSubmissionView } from '@epoch/contracts';
import { shownStatus } from '@epoch/grading';

const diagnosticsOf = (v: unknown): TDiagnostic[] =>
  Array.isArray(v)
    ? v.flatMap((d) => {
        const r = ZDiagnostic.safeParse(d);
        return r.success ? [r.data] : [];
      })
    : [];
const iso = (d: Date | null) => d?.toISOString() ?? null;

export function submissionView(s: Submission & { exercise: Pick<Exercise, 'slug'> & { course: { slug: string } } }, hidden = false): TSubmissionView {
  return {
    id: s.id,
    course: s.exercise.course.slug,
    exercise: s.exercise.slug,
    userId: s.userId,
    status: shownStatus(s.status, hidden),
    late: s.late,
    infraError: s.infraError,
    policyVersion: s.policyVersion,
    diagnostics: diagnosticsOf(s.diagnostics),
    errorMessage: s.errorMessage,
    createdAt: s.createdAt.toISOString(),
    queuedAt: iso(s.queuedAt),
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
  };
}
