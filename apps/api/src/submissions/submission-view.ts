import type { Exercise, Submission } from '@epoch/db';
import { ZDiagnostic, type TDiagnostic, type TSubmissionSummary, type TSubmissionView } from '@epoch/contracts';
import { shownStatus } from '@epoch/grading';

const diagnosticsOf = (v: unknown): TDiagnostic[] =>
  Array.isArray(v)
    ? v.flatMap((d) => {
        const r = ZDiagnostic.safeParse(d);
        return r.success ? [r.data] : [];
      })
    : [];
const iso = (d: Date | null) => d?.toISOString() ?? null;

type TExerciseOf = { exercise: Pick<Exercise, 'slug'> & { course: { slug: string } } };

export function submissionView(s: Submission & TExerciseOf, hidden = false): TSubmissionView {
  return { ...submissionSummary(s, hidden), diagnostics: diagnosticsOf(s.diagnostics) };
}

/** A history line: the view without diagnostics (lists never carry them). */
export function submissionSummary(s: Omit<Submission, 'source' | 'diagnostics' | 'modelSpec'> & TExerciseOf, hidden = false): TSubmissionSummary {
  return {
    id: s.id,
    course: s.exercise.course.slug,
    exercise: s.exercise.slug,
    userId: s.userId,
    kind: s.kind,
    // A practice run has no verdict: PASSED/FAILED show as GRADED (finished), as a hidden result does.
    status: shownStatus(s.status, hidden || s.kind === 'PRACTICE'),
    late: s.late,
    infraError: s.infraError,
    policyVersion: s.policyVersion,
    // A verdict's message names the accuracy it was decided on: hidden with the verdict.
    errorMessage: hidden && (s.status === 'PASSED' || s.status === 'FAILED') ? null : s.errorMessage,
    createdAt: s.createdAt.toISOString(),
    queuedAt: iso(s.queuedAt),
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
  };
}
