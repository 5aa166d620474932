import { DomainError, type TResultView } from '@epoch/contracts';
import type { Artifact, Result, Submission } from '@epoch/db';
import type { TDb } from '../lifecycle/lifecycle';
import { shownStatus } from '../lifecycle/schedule';
import { attemptEpochs } from '../repositories/epochs.repository';

type TSubmissionWithResult = Submission & {
  result: Result | null;
  artifacts: Pick<Artifact, 'name' | 'kind' | 'contentType'>[];
  exercise: { policy: { deadline: Date | null } | null };
};

/** What a practice run shows: its training and validation curves, nothing measured on the test set. */
const PRACTICE_ARTIFACTS: ReadonlySet<Artifact['kind']> = new Set(['ACCURACY_PLOT', 'LOSS_PLOT']);

/**
 * A submission's result as its viewer may see it: metrics, verdict, history (the producing attempt's epochs), backend,
 * durations and the artifacts' addresses. While it is hidden from the viewer (results after the deadline), the
 * numbers, verdict and plots are left out. A practice run never has a verdict or test numbers (status GRADED, its
 * validation history and curves only).
 */
export async function resultView(db: TDb, submission: TSubmissionWithResult, hidden: boolean): Promise<TResultView> {
  const r = submission.result;
  if (!r) throw new DomainError('not_found', 'no_result', `submission ${submission.id} has no result (status ${submission.status})`);
  const practice = submission.kind === 'PRACTICE';
  const passed = submission.status === 'PASSED' ? true : submission.status === 'FAILED' ? false : null;
  const id = submission.id;
  const noTest = hidden || practice;
  return {
    submissionId: id,
    kind: submission.kind,
    status: shownStatus(submission.status, noTest),
    passed: noTest ? null : passed,
    testAccuracy: noTest ? null : r.testAccuracy,
    testLoss: noTest ? null : r.testLoss,
    perClassAccuracy: noTest ? null : r.perClassAccuracy,
    confusionMatrix: noTest ? null : r.confusionMatrix,
    resultHidden: hidden,
    visibleFrom: hidden ? (submission.exercise.policy?.deadline?.toISOString() ?? null) : null,
    history: await attemptEpochs(db, id, r.attempt),
    backend: r.backend,
    backendVersions: r.backendVersions,
    seed: r.seed,
    durations: { queueWaitMs: r.queueWaitMs, trainingMs: r.trainingMs, evaluationMs: r.evaluationMs },
    reusedFrom: submission.reusedFromId,
    artifacts: (hidden ? [] : practice ? submission.artifacts.filter((a) => PRACTICE_ARTIFACTS.has(a.kind)) : submission.artifacts).map((a) => ({
      ...a,
      url: `/api/submissions/${id}/artifacts/${encodeURIComponent(a.name)}`,
    })),
  };
}
